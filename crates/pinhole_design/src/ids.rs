//! Deterministic resource ids: the same design gives the same ids, whatever the order of work.

/// `prefix-0` + 16 hex digits of the FNV-1a hash of `key` (AWS ids have 17 hex digits).
pub(crate) fn id(prefix: &str, key: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in prefix.bytes().chain([0]).chain(key.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{prefix}-0{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::id;

    #[test]
    fn ids_are_stable_and_distinct() {
        assert_eq!(id("vpc", "dev/us-east-1"), id("vpc", "dev/us-east-1"));
        assert_ne!(id("vpc", "dev/us-east-1"), id("vpc", "qa/us-east-1"));
        assert_eq!(id("vpc", "x").len(), "vpc-".len() + 17);
    }
}
