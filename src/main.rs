//! The `vendorscore` binary: parse arguments, run the command, map the
//! outcome to an exit code (0 done, 1 found a problem, 2 could not run).

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
