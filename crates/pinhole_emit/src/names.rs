//! Resource labels: Terraform identifiers and CloudFormation logical ids, unique per file.

use pinhole_design::compile::{NSgRule, NVpc, SgPeer};
use std::collections::BTreeSet;

/// A security group rule's identity: protocol, ports and peer (`tcp-3306-3306-10.10.1.50/32`).
pub(crate) fn rule_key(r: &NSgRule, v: &NVpc) -> String {
    let proto = match r.proto {
        -1 => "all".to_owned(),
        6 => "tcp".to_owned(),
        17 => "udp".to_owned(),
        1 => "icmp".to_owned(),
        p => p.to_string(),
    };
    let peer = match &r.peer {
        SgPeer::Cidr(c) => c.to_string(),
        SgPeer::Group(g) => v
            .sgs
            .get(*g)
            .map_or_else(|| "group".to_owned(), |s| s.name.clone()),
    };
    if r.proto == -1 {
        format!("{proto}-{peer}")
    } else {
        format!("{proto}-{}-{}-{peer}", r.from, r.to)
    }
}

/// Hands out unique labels in one namespace.
#[derive(Default)]
pub(crate) struct Namer {
    used: BTreeSet<String>,
}

impl Namer {
    /// A Terraform identifier: lower-case letters, digits and `_`, starting with a letter.
    pub(crate) fn tf(&mut self, raw: &str) -> String {
        let mut s: String = raw
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        if !s.starts_with(|c: char| c.is_ascii_alphabetic()) {
            s.insert_str(0, "r_");
        }
        self.unique(s, "_")
    }

    /// A CloudFormation logical id: letters and digits, `dev-private-a` → `DevPrivateA`.
    pub(crate) fn cfn(&mut self, raw: &str) -> String {
        let mut s = String::new();
        let mut up = true;
        for c in raw.chars() {
            if c.is_ascii_alphanumeric() {
                if up {
                    s.push(c.to_ascii_uppercase());
                } else {
                    s.push(c);
                }
                up = false;
            } else {
                up = true;
            }
        }
        if !s.starts_with(|c: char| c.is_ascii_alphabetic()) {
            s.insert(0, 'R');
        }
        self.unique(s, "")
    }

    fn unique(&mut self, base: String, sep: &str) -> String {
        if self.used.insert(base.clone()) {
            return base;
        }
        let mut n = 2;
        loop {
            let cand = format!("{base}{sep}{n}");
            if self.used.insert(cand.clone()) {
                return cand;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Namer;

    #[test]
    fn labels_are_sanitised_and_unique() {
        let mut n = Namer::default();
        assert_eq!(n.tf("dev-private-a"), "dev_private_a");
        assert_eq!(n.tf("dev_private_a"), "dev_private_a_2");
        assert_eq!(n.tf("1st \"x\""), "r_1st__x_");
        let mut c = Namer::default();
        assert_eq!(c.cfn("dev-private-a"), "DevPrivateA");
        assert_eq!(c.cfn("dev private a"), "DevPrivateA2");
        assert_eq!(c.cfn("9"), "R9");
    }
}
