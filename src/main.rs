/// mimalloc instead of the system allocator: a render allocates many small short-lived values
/// (template nodes, strings, maps), and with glibc's malloc a quarter of a chart's instructions
/// went to malloc/free and its heap growth cost ~900 page faults per run; mimalloc spends about
/// half the instructions there and touches a quarter of the pages.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    chartgate::oneshot::exit(chartgate::cli::main());
}
