//! `offprint-cli`: Offprint's core without a window. See the README for the contract.

fn main() -> std::process::ExitCode {
    offprint::cli::main()
}
