//! Lint throughput. `cargo bench -p pinhole_lint`.
fn main() {
    divan::main();
}
