//! Progress bars for the library's long runs ([`vendorscore::progress`]),
//! drawn with indicatif on stderr, and only when stderr is a terminal and
//! `-q` is not given: piped or quiet runs print nothing extra. A bar is
//! cleared when its stage ends, so it never stays in the scrollback.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use vendorscore::progress::{Observer, Progress, Unobserved};

use super::GlobalOptions;

/// A bar on stderr when someone is watching it, else nothing.
pub fn observer(global: &GlobalOptions) -> Box<dyn Progress> {
    if global.quiet || !std::io::stderr().is_terminal() {
        return Box::new(Unobserved);
    }
    Box::new(Bar(ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())))
}

/// [`observer`], to hand to the library's settings (a ticket export's bytes read).
pub fn shared(global: &GlobalOptions) -> Observer {
    if global.quiet || !std::io::stderr().is_terminal() {
        return Observer::default();
    }
    Observer::new(Box::new(Bar(ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()))))
}

struct Bar(ProgressBar);

impl Progress for Bar {
    fn start(&self, what: &str, total: u64) {
        let style = ProgressStyle::with_template("{msg} {wide_bar} {pos}/{len} ({elapsed})")
            .expect("a valid template")
            .progress_chars("=> ");
        self.0.set_style(style);
        self.0.set_length(total);
        self.0.set_position(0);
        self.0.reset_elapsed();
        self.0.set_message(what.to_owned());
        // Drawn at once, however short the stage: what a stage shows does
        // not depend on how fast the machine is.
        self.0.tick();
    }

    fn advance(&self, units: u64) {
        self.0.inc(units);
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}
