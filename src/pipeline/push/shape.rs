//! The shape of a session, checked before it starts: its [`Layout`] from the number of inputs
//! and the options, and how many outputs that layout can have (callback and pull mode).

use super::{PushError, PushSession};
use crate::pipeline::Layout;

impl PushSession {
    /// The layout of a session on `inputs` inputs (1 or 2): one input is single-end, or
    /// interleaved pairs when `interleaved_in`; two inputs are R1 and R2 (then `interleaved_in`
    /// must be false). Anything else is a [`PushError::Argument`].
    pub fn layout_of(inputs: usize, interleaved_in: bool) -> Result<Layout, PushError<'static>> {
        match (inputs, interleaved_in) {
            (1, false) => Ok(Layout::Single),
            (1, true) => Ok(Layout::Interleaved),
            (2, false) => Ok(Layout::Paired),
            (2, true) => Err(PushError::Argument(
                "interleaved_in is set: a paired session has one input".into(),
            )),
            (n, _) => Err(PushError::Argument(format!(
                "inputs must be 1 or 2, got {n}"
            ))),
        }
    }

    /// Checks the write callbacks of a callback-mode session on `layout`: `writers` (0-2)
    /// outputs, the second of which (R2) needs paired input. A [`PushError::Argument`]
    /// otherwise.
    pub fn check_writers(layout: Layout, writers: usize) -> Result<(), PushError<'static>> {
        if writers == 2 && layout == Layout::Single {
            return Err(PushError::Argument("write2 needs paired input".into()));
        }
        Ok(())
    }

    /// Checks the outputs of a pull-mode session on `layout`: 0 to 1 for single-end input, 0
    /// to 2 for pairs. A [`PushError::Argument`] otherwise.
    pub fn check_pull_outputs(layout: Layout, outputs: usize) -> Result<(), PushError<'static>> {
        let max = if layout == Layout::Single { 1 } else { 2 };
        if outputs > max {
            return Err(PushError::Argument(format!(
                "outputs must be 0 to {max} for this input, got {outputs}"
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argument<T: std::fmt::Debug>(r: Result<T, PushError<'_>>) -> String {
        match r {
            Err(PushError::Argument(m)) => m,
            other => panic!("not an argument error: {other:?}"),
        }
    }

    #[test]
    fn layout_of_inputs() {
        assert_eq!(PushSession::layout_of(1, false).ok(), Some(Layout::Single));
        assert_eq!(
            PushSession::layout_of(1, true).ok(),
            Some(Layout::Interleaved)
        );
        assert_eq!(PushSession::layout_of(2, false).ok(), Some(Layout::Paired));
        assert_eq!(
            argument(PushSession::layout_of(2, true)),
            "interleaved_in is set: a paired session has one input"
        );
        assert_eq!(
            argument(PushSession::layout_of(3, false)),
            "inputs must be 1 or 2, got 3"
        );
        assert_eq!(
            argument(PushSession::layout_of(0, true)),
            "inputs must be 1 or 2, got 0"
        );
    }

    #[test]
    fn output_counts() {
        assert!(PushSession::check_writers(Layout::Single, 1).is_ok());
        assert!(PushSession::check_writers(Layout::Paired, 2).is_ok());
        assert!(PushSession::check_writers(Layout::Interleaved, 2).is_ok());
        assert_eq!(
            argument(PushSession::check_writers(Layout::Single, 2)),
            "write2 needs paired input"
        );
        assert!(PushSession::check_pull_outputs(Layout::Single, 1).is_ok());
        assert!(PushSession::check_pull_outputs(Layout::Interleaved, 2).is_ok());
        assert_eq!(
            argument(PushSession::check_pull_outputs(Layout::Single, 2)),
            "outputs must be 0 to 1 for this input, got 2"
        );
        assert_eq!(
            argument(PushSession::check_pull_outputs(Layout::Paired, 3)),
            "outputs must be 0 to 2 for this input, got 3"
        );
    }
}
