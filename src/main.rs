//! The `vendorscore` binary: parse arguments, run the command, map the
//! outcome to an exit code (0 done, 1 found a problem, 2 could not run).

mod cli;

/// mimalloc instead of the system allocator: a run allocates millions of small
/// values (TOML trees, strings) on every core, where glibc's malloc cost 18 %
/// of `check` (docs/performance.md). Only the binary chooses; the library does not.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // mimalloc asks the kernel for transparent huge pages, and every page it
    // touches first, or again after returning it, is then a 2 MiB page the
    // kernel zeroes: a fifth of a 1,000-scorecard batch's CPU went to that.
    // With 4 KiB pages the same runs take less time and memory
    // (docs/performance.md, "Sixth pass"). Children (fontconfig, ssh-keygen)
    // inherit the setting, which changes nothing for them.
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    cli::main()
}
