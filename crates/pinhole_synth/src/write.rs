//! Writing the snapshot tree: one directory per account and region, accounts generated in
//! parallel, each file compact JSON through a buffered writer.

use crate::aws::Top;
use crate::build::{Counts, RegionFiles, region_files};
use crate::plan::{Org, REGIONS};
use crate::{SynthError, SynthStats};
use serde::Serialize;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// Files and bytes written, plus the resources they hold.
#[derive(Default)]
struct Totals {
    counts: Counts,
    files: usize,
    bytes: u64,
}

impl Totals {
    fn add(&mut self, o: &Totals) {
        self.counts += o.counts;
        self.files += o.files;
        self.bytes += o.bytes;
    }
}

pub(crate) fn org(
    org: &Org,
    out: &Path,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<SynthStats, SynthError> {
    let configs = out.join("aws_configs");
    let occupied = std::fs::read_dir(&configs).is_ok_and(|mut d| d.next().is_some());
    if occupied {
        return Err(SynthError::OutputExists { path: configs });
    }
    let root = configs.join("accounts");
    let n = org.accounts.len();
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 8)
        .min(n);
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let report = || progress(done.fetch_add(1, Ordering::Relaxed) + 1, n);
    let failed = AtomicBool::new(false);
    let results: Vec<Result<Totals, (usize, SynthError)>> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| s.spawn(|| worker(org, &root, &next, &failed, &report)))
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or(Err((usize::MAX, SynthError::Thread))))
            .collect()
    });
    let mut total = Totals::default();
    let mut first_error: Option<(usize, SynthError)> = None;
    for r in results {
        match r {
            Ok(t) => total.add(&t),
            Err((i, e)) => {
                if first_error.as_ref().is_none_or(|(j, _)| i < *j) {
                    first_error = Some((i, e));
                }
            }
        }
    }
    if let Some((_, e)) = first_error {
        return Err(e);
    }
    let c = total.counts;
    Ok(SynthStats {
        accounts: n,
        vpcs: c.vpcs,
        subnets: c.subnets,
        route_tables: c.route_tables,
        enis: c.enis,
        instances: c.instances,
        security_groups: c.security_groups,
        sg_rules: c.sg_rules,
        network_acls: c.network_acls,
        nacl_entries: c.nacl_entries,
        peerings: c.peerings,
        transit_gateways: c.transit_gateways,
        tgw_attachments: c.tgw_attachments,
        db_instances: c.db_instances,
        pinholes: c.pinholes,
        files: total.files,
        bytes: total.bytes,
    })
}

/// Takes accounts off the shared counter until none is left or another worker failed; an error
/// carries its account index so the caller reports the same one whatever the scheduling.
fn worker(
    org: &Org,
    root: &Path,
    next: &AtomicUsize,
    failed: &AtomicBool,
    report: &(dyn Fn() + Sync),
) -> Result<Totals, (usize, SynthError)> {
    let mut total = Totals::default();
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(acct) = org.accounts.get(i) else {
            return Ok(total);
        };
        if failed.load(Ordering::Relaxed) {
            return Ok(total);
        }
        for (r, region) in REGIONS.iter().enumerate() {
            let files = region_files(org, i * REGIONS.len() + r);
            let dir = root.join(&acct.id).join(region.name);
            if let Err(e) = write_region(&dir, &files, &mut total) {
                failed.store(true, Ordering::Relaxed);
                return Err((i, e));
            }
            total.counts += files.counts;
        }
        report();
    }
}

fn write_region(dir: &Path, f: &RegionFiles, t: &mut Totals) -> Result<(), SynthError> {
    std::fs::create_dir_all(dir).map_err(|source| SynthError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut w = |name: &str, key: &'static str, value: &dyn ErasedList| -> Result<(), SynthError> {
        let path = dir.join(name);
        t.bytes += value.write(&path, key)?;
        t.files += 1;
        Ok(())
    };
    w("Vpcs.json", "Vpcs", &f.vpcs)?;
    w("Subnets.json", "Subnets", &f.subnets)?;
    w("RouteTables.json", "RouteTables", &f.route_tables)?;
    w("NetworkAcls.json", "NetworkAcls", &f.network_acls)?;
    w("SecurityGroups.json", "SecurityGroups", &f.security_groups)?;
    w("NetworkInterfaces.json", "NetworkInterfaces", &f.enis)?;
    w("Reservations.json", "Reservations", &f.reservations)?;
    w(
        "InternetGateways.json",
        "InternetGateways",
        &f.internet_gateways,
    )?;
    w("NatGateways.json", "NatGateways", &f.nat_gateways)?;
    w("Addresses.json", "Addresses", &f.addresses)?;
    w(
        "VpcPeeringConnections.json",
        "VpcPeeringConnections",
        &f.peerings,
    )?;
    w("VpcEndpoints.json", "VpcEndpoints", &f.vpc_endpoints)?;
    w("RdsInstances.json", "DBInstances", &f.db_instances)?;
    w(
        "TransitGatewayVpcAttachments.json",
        "TransitGatewayVpcAttachments",
        &f.tgw_vpc_attachments,
    )?;
    if let Some(h) = &f.hub {
        w(
            "TransitGateways.json",
            "TransitGateways",
            &h.transit_gateways,
        )?;
        w(
            "TransitGatewayRouteTables.json",
            "TransitGatewayRouteTables",
            &h.route_tables,
        )?;
        w(
            "TransitGatewayAttachments.json",
            "TransitGatewayAttachments",
            &h.attachments,
        )?;
        w(
            "TransitGatewayPropagations.json",
            "TransitGatewayPropagations",
            &h.propagations,
        )?;
        w(
            "TransitGatewayStaticRoutes.json",
            "TransitGatewayStaticRoutes",
            &h.static_routes,
        )?;
    }
    Ok(())
}

/// A list of one resource type that can write itself as `{"<key>": [...]}`.
trait ErasedList {
    fn write(&self, path: &Path, key: &'static str) -> Result<u64, SynthError>;
}

impl<T: Serialize> ErasedList for Vec<T> {
    fn write(&self, path: &Path, key: &'static str) -> Result<u64, SynthError> {
        let io = |source| SynthError::Io {
            path: path.to_path_buf(),
            source,
        };
        let file = File::create(path).map_err(io)?;
        let mut w = Counting {
            inner: BufWriter::with_capacity(1 << 16, file),
            bytes: 0,
        };
        serde_json::to_writer(&mut w, &Top(key, self)).map_err(|source| SynthError::Json {
            path: PathBuf::from(path),
            source,
        })?;
        w.inner.flush().map_err(io)?;
        Ok(w.bytes)
    }
}

struct Counting<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
