// Random valid design files, shared by the design and CloudFormation tests (`include!`d).

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[usize::try_from(self.below(v.len() as u64)).unwrap()]
    }
}

fn design(seed: u64) -> String {
    use std::fmt::Write as _;
    let mut r = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let envs = ["dev", "qa", "prod", "tools"];
    let n_env = 2 + r.below(3) as usize;
    let azs = ["a", "b", "c"];
    let n_az = 1 + r.below(3) as usize;
    let mut y = String::from("version: 1\naccounts:\n");
    let mut accounts: Vec<(String, usize)> = Vec::new();
    for (e, _) in envs.iter().enumerate().take(n_env) {
        for k in 0..1 + r.below(2) as usize {
            let alias = format!("{}{k}", envs[e]);
            let _ = writeln!(
                y,
                "  {alias}: \"{:012}\"",
                100_000_000_000u64 + (e as u64) * 100 + k as u64
            );
            accounts.push((alias, e));
        }
    }
    let _ = writeln!(
        y,
        "regions:\n  us-east-1: {{ azs: {{ {} }} }}",
        (0..n_az)
            .map(|i| format!("{}: {i}", azs[i]))
            .collect::<Vec<_>>()
            .join(", ")
    );
    y.push_str("environments:\n");
    for (e, env) in envs.iter().enumerate().take(n_env) {
        let mine: Vec<String> = accounts
            .iter()
            .filter(|a| a.1 == e)
            .enumerate()
            .map(|(k, a)| format!("{}: {k}", a.0))
            .collect();
        let _ = writeln!(
            y,
            "  {env}: {{ pools: {{ us-east-1: 10.{}.0.0/12 }}, accounts: {{ {} }} }}",
            e * 16,
            mine.join(", ")
        );
    }
    // Tiers: public at slot 0 (/25), private at slot 1 (/24), data at slot 4 (/25), some absent.
    let egress = ["nat-per-az", "shared-nat", "none"];
    let has_public = r.below(4) != 0;
    let mut tiers = vec![];
    if has_public {
        tiers.push(("public", "{ size: 25, slot: 0, role: public }".to_owned()));
    }
    let pe = if has_public { *r.pick(&egress) } else { "none" };
    tiers.push((
        "private",
        format!("{{ size: 24, slot: 1, role: private, egress: {pe} }}"),
    ));
    if r.below(2) == 0 {
        tiers.push(("data", "{ size: 25, slot: 4, role: data }".to_owned()));
    }
    y.push_str("template:\n  vpc: 20\n  az: 22\n  tiers:\n");
    for (t, def) in &tiers {
        let _ = writeln!(y, "    {t}: {def}");
    }
    let peering = if r.below(3) == 0 { "none" } else { "full" };
    let _ = writeln!(y, "peering: {peering}");
    let iso: Vec<&str> = tiers
        .iter()
        .map(|t| t.0)
        .filter(|_| r.below(3) != 0)
        .collect();
    if !iso.is_empty() {
        let _ = writeln!(y, "isolation: {{ tiers: [{}] }}", iso.join(", "));
    }
    // Hosts: a few per account.
    y.push_str("hosts:\n");
    let kinds = ["linux", "windows"];
    let mut hosts: Vec<String> = Vec::new();
    for (alias, _) in &accounts {
        for h in 0..1 + r.below(3) {
            let tier = r.pick(&tiers).0;
            let az = azs[r.below(n_az as u64) as usize];
            let name = format!("h{h}");
            let eg = if r.below(2) == 0 {
                ", egress: [tcp/443]"
            } else {
                ""
            };
            let rds = tier != "public" && n_az > 1 && r.below(4) == 0;
            let kind = if rds {
                format!(
                    ", kind: rds, standby_az: {}",
                    azs[(azs.iter().position(|a| *a == az).unwrap() + 1) % n_az]
                )
            } else {
                format!(", kind: {}{eg}", r.pick(&kinds))
            };
            let _ = writeln!(
                y,
                "  {alias}-{name}: {{ accounts: [{alias}], tier: {tier}, az: {az}, host: {}{kind} }}",
                10 + h * 10
            );
            hosts.push(format!("{alias}-{alias}-{name}"));
        }
    }
    // Pinholes between random hosts (only across VPCs that peer).
    y.push_str("pinholes:\n");
    let services = ["tcp/3306", "tcp/22", "udp/53", "tcp/8000-8100", "icmp"];
    let mut any = false;
    for _ in 0..r.below(5) {
        let (a, b) = (r.pick(&hosts).clone(), r.pick(&hosts).clone());
        let (aa, ba) = (a.split('-').next().unwrap(), b.split('-').next().unwrap());
        if a == b || (peering == "none" && aa != ba) {
            continue;
        }
        let _ = writeln!(
            y,
            "  - {{ from: {a}, to: {b}, services: [{}] }}",
            r.pick(&services)
        );
        any = true;
    }
    if !any {
        y = y.replace("pinholes:\n", "");
    }
    y
}

