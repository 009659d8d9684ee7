// The policy engine allocates heavily per evaluation; mimalloc makes scans ~30 % faster
// (examples/policy_bench.rs measures it).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(chartgate::cli::main());
}
