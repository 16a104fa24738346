//! Resource labels: Terraform identifiers and CloudFormation logical ids, unique per file.

use std::collections::BTreeSet;

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
