//! AWS id newtypes and arena indices.

use std::fmt;

macro_rules! aws_id {
    ($($(#[$m:meta])* $name:ident),* $(,)?) => {$(
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(pub String);
        impl $name {
            pub fn as_str(&self) -> &str { &self.0 }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(&self.0) }
        }
        impl From<&str> for $name {
            fn from(s: &str) -> Self { Self(s.to_owned()) }
        }
        impl From<String> for $name {
            fn from(s: String) -> Self { Self(s) }
        }
    )*};
}

aws_id!(
    /// A 12-digit AWS account id.
    AccountId,
    VpcId,
    SubnetId,
    RouteTableId,
    NetworkAclId,
    SecurityGroupId,
    NetworkInterfaceId,
    InstanceId,
    InternetGatewayId,
    NatGatewayId,
    VpcPeeringConnectionId,
    PrefixListId,
    VpcEndpointId,
    TransitGatewayId,
    TransitGatewayAttachmentId,
    TransitGatewayRouteTableId,
    DbInstanceId,
);

macro_rules! arena_ix {
    ($($name:ident),* $(,)?) => {$(
        /// Index into the matching arena of a [`crate::Snapshot`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);
        impl $name {
            pub fn ix(self) -> usize { self.0 as usize }
            /// Arena position as an index; arenas never exceed `u32::MAX` entries.
            pub fn from_usize(i: usize) -> Self { Self(u32::try_from(i).unwrap_or(u32::MAX)) }
        }
    )*};
}

arena_ix!(
    VpcIx, SubnetIx, RtbIx, AclIx, SgIx, EniIx, InstanceIx, IgwIx, NatIx, PcxIx, PlIx, VpceIx,
    TgwIx, TgwAttIx, TgwRtbIx, DbIx,
);
