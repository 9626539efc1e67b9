//! The `vendorscore` binary: parse arguments, run the command, map the
//! outcome to an exit code (0 done, 1 found a problem, 2 could not run).

mod cli;

/// mimalloc instead of the system allocator: a run allocates millions of small
/// values (TOML trees, strings) on every core, where glibc's malloc cost 18 %
/// of `check` (docs/performance.md). Only the binary chooses; the library does not.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
