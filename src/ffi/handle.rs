//! Opaque handles: each `pp_*` C type maps to one Rust type and one ownership (a `Box` for
//! mutable objects, an `Arc` for immutable, shareable ones), and the checked conversions
//! between raw pointers and references. The `try_*!` macros return
//! `Err(Failed(PP_STATUS_NULL_ARGUMENT))` with the argument's name for a NULL pointer.

use std::sync::Arc;

use super::boundary::Failed;
use super::pp_status;

/// A C handle owned as `Box<Self::Target>`.
pub(crate) trait BoxHandle {
    /// The Rust object behind the handle.
    type Target;
}

/// A C handle owned as `Arc<Self::Target>` (immutable, usable from any thread).
pub(crate) trait ArcHandle {
    /// The Rust object behind the handle.
    type Target: Send + Sync;
}

/// The failure for a NULL argument named `name`.
pub(crate) fn null(name: &str) -> Failed {
    Failed::with(
        pp_status::PP_STATUS_NULL_ARGUMENT,
        &format!("argument {name} is NULL"),
    )
}

/// Moves `v` to the heap and hands C its handle.
pub(crate) fn box_into<H: BoxHandle>(v: H::Target) -> *mut H {
    Box::into_raw(Box::new(v)).cast()
}

/// Borrows the object behind a Box handle; `None` for NULL.
pub(crate) fn box_ref<'a, H: BoxHandle>(p: *const H) -> Option<&'a H::Target> {
    // SAFETY: a non-NULL `p` came from `box_into::<H>` and was not freed (the caller's
    // promise), so it points to a live `H::Target`; C holds no Rust references to it.
    unsafe { p.cast::<H::Target>().as_ref() }
}

/// Mutably borrows the object behind a Box handle; `None` for NULL.
pub(crate) fn box_mut<'a, H: BoxHandle>(p: *mut H) -> Option<&'a mut H::Target> {
    // SAFETY: as in `box_ref`; the header forbids using one mutable handle from two threads at
    // once, so this is the only reference for the duration of the call.
    unsafe { p.cast::<H::Target>().as_mut() }
}

/// Frees a Box handle; NULL is a no-op.
pub(crate) fn box_free<H: BoxHandle>(p: *mut H) {
    if !p.is_null() {
        // SAFETY: `p` came from `box_into::<H>` and is freed once (the caller's promise).
        drop(unsafe { Box::from_raw(p.cast::<H::Target>()) });
    }
}

/// Hands C a new strong reference to `v`.
pub(crate) fn arc_into<H: ArcHandle>(v: Arc<H::Target>) -> *const H {
    Arc::into_raw(v).cast()
}

/// Borrows the object behind an Arc handle; `None` for NULL.
pub(crate) fn arc_ref<'a, H: ArcHandle>(p: *const H) -> Option<&'a H::Target> {
    // SAFETY: a non-NULL `p` came from `arc_into::<H>` and its reference was not released (the
    // caller's promise), so the object is alive for the call; Arc targets are never mutated.
    unsafe { p.cast::<H::Target>().as_ref() }
}

/// Releases C's reference behind an Arc handle; NULL is a no-op.
pub(crate) fn arc_free<H: ArcHandle>(p: *const H) {
    if !p.is_null() {
        // SAFETY: `p` came from `arc_into::<H>`; C gives its one reference back, once.
        drop(unsafe { Arc::from_raw(p.cast::<H::Target>()) });
    }
}

/// Borrows the slice `(ptr, len)`; NULL is allowed only with `len == 0`.
pub(crate) fn slice<'a>(p: *const u8, len: usize) -> Option<&'a [u8]> {
    if len == 0 {
        return Some(&[]);
    }
    if p.is_null() {
        return None;
    }
    // SAFETY: `p` is non-NULL and the caller promises `len` readable bytes that stay unchanged
    // for the duration of the call.
    Some(unsafe { std::slice::from_raw_parts(p, len) })
}

/// Mutably borrows the caller's buffer `(ptr, len)`; NULL is allowed only with `len == 0`.
pub(crate) fn slice_mut<'a>(p: *mut u8, len: usize) -> Option<&'a mut [u8]> {
    if len == 0 {
        return Some(&mut []);
    }
    if p.is_null() {
        return None;
    }
    // SAFETY: `p` is non-NULL and the caller promises `len` writable bytes that nothing else
    // reads or writes for the duration of the call.
    Some(unsafe { std::slice::from_raw_parts_mut(p, len) })
}

/// Borrows an out-pointer so that a result can be stored through it; `None` for NULL.
pub(crate) fn out<'a, T>(p: *mut T) -> Option<&'a mut T> {
    // SAFETY: a non-NULL `p` points to writable storage for a `T` (the caller's promise);
    // `T` is a pointer or plain integer, so overwriting it drops nothing.
    unsafe { p.as_mut() }
}

/// `&Target` of a Box handle, or return NULL_ARGUMENT.
macro_rules! try_box_ref {
    ($p:ident) => {
        $crate::ffi::handle::box_ref($p).ok_or_else(|| $crate::ffi::handle::null(stringify!($p)))?
    };
}

/// `&mut Target` of a Box handle, or return NULL_ARGUMENT.
macro_rules! try_box_mut {
    ($p:ident) => {
        $crate::ffi::handle::box_mut($p).ok_or_else(|| $crate::ffi::handle::null(stringify!($p)))?
    };
}

/// `&Target` of an Arc handle, or return NULL_ARGUMENT.
macro_rules! try_arc_ref {
    ($p:ident) => {
        $crate::ffi::handle::arc_ref($p).ok_or_else(|| $crate::ffi::handle::null(stringify!($p)))?
    };
}

/// `&[u8]` from `(ptr, len)`, or return NULL_ARGUMENT.
macro_rules! try_slice {
    ($p:ident, $len:expr) => {
        $crate::ffi::handle::slice($p, $len)
            .ok_or_else(|| $crate::ffi::handle::null(stringify!($p)))?
    };
}

/// `&mut [u8]` from `(ptr, len)`, or return NULL_ARGUMENT.
macro_rules! try_slice_mut {
    ($p:ident, $len:expr) => {
        $crate::ffi::handle::slice_mut($p, $len)
            .ok_or_else(|| $crate::ffi::handle::null(stringify!($p)))?
    };
}

/// `&mut T` from an out-pointer, or return NULL_ARGUMENT.
macro_rules! try_out {
    ($p:ident) => {
        $crate::ffi::handle::out($p).ok_or_else(|| $crate::ffi::handle::null(stringify!($p)))?
    };
}

pub(crate) use {try_arc_ref, try_box_mut, try_box_ref, try_out, try_slice, try_slice_mut};

/// Reads one value of an Arc handle into an out-pointer: the body of every `pp_*_report_*`
/// getter (NULL handle or out-pointer give `PP_STATUS_NULL_ARGUMENT`).
pub(crate) fn get<H: ArcHandle, T>(
    handle: *const H,
    value_out: *mut T,
    get: impl FnOnce(&H::Target) -> Result<T, super::boundary::Failed>,
) -> super::pp_status {
    super::boundary::boundary(|| {
        let h = arc_ref(handle).ok_or_else(|| null("report"))?;
        let out = out(value_out).ok_or_else(|| null("value_out"))?;
        *out = get(h)?;
        Ok(())
    })
}
