fn main() {
    std::process::exit(chartgate::cli::main());
}
