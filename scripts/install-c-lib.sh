#!/usr/bin/env bash
# Installs the panelprep C library from cargo's build output:
#
#   cargo build --release --lib --no-default-features --features isal
#   scripts/install-c-lib.sh PREFIX [PROFILE_DIR]      (PROFILE_DIR: default target/release)
#
# (--no-default-features: the C library needs neither the CLI's clap nor the simulator's rand;
# a plain `cargo build --release --lib` works too, with them compiled in.)
#
#   PREFIX/include/panelprep.h
#   PREFIX/lib/libpanelprep.a                  one object; only pp_ symbols are global
#   PREFIX/lib/libpanelprep.so.MAJOR.MINOR.PATCH, libpanelprep.so.MAJOR -> it, libpanelprep.so -> it
#   PREFIX/lib/pkgconfig/panelprep.pc
#
# Why the static archive is rewritten: cargo's libpanelprep.a holds every object of the crate
# and of its dependencies with their global symbols, thousands of Rust symbols and the bundled
# libdeflate's libdeflate_* functions. In a program that also links htslib (which uses the
# system libdeflate) our copy would silently take the system one's place. Here the archive is
# linked into one relocatable object (ld -r), sections that no pp_ function reaches are dropped
# (--gc-sections), every global symbol but pp_* becomes local (objcopy --keep-global-symbol),
# and the LLVM bitcode embedded in the standard library's objects is removed (ld -r concatenates
# those .llvmbc sections into something no tool can read, and nothing needs them in C builds).
# The shared library needs no such step: it exports only the pp_ functions (with symbol
# versions, see build.rs) and has the SONAME libpanelprep.so.MAJOR.
#
# Needs GNU binutils (ld, objcopy, ar, nm, readelf). Nothing is built here.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 PREFIX [PROFILE_DIR]" >&2
  exit 2
fi
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=$1
PROFILE_DIR=${2:-$ROOT/target/release}
for f in libpanelprep.a libpanelprep.so; do
  if [ ! -f "$PROFILE_DIR/$f" ]; then
    echo "$PROFILE_DIR/$f is missing: run cargo build --release --lib --no-default-features --features isal first" >&2
    exit 1
  fi
done

version_part() { sed -n "s/^#define PP_VERSION_$1 \([0-9]*\)$/\1/p" "$ROOT/include/panelprep.h"; }
MAJOR=$(version_part MAJOR)
VERSION=$MAJOR.$(version_part MINOR).$(version_part PATCH)

mkdir -p "$PREFIX/include" "$PREFIX/lib/pkgconfig"
cp "$ROOT/include/panelprep.h" "$PREFIX/include/"

# Static archive: one object, pp_ symbols only.
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
ROOTS=()
while read -r sym; do
  ROOTS+=(-u "$sym")
done < <(nm -g --defined-only "$PROFILE_DIR/libpanelprep.a" 2>/dev/null |
  awk '$2 == "T" && $3 ~ /^pp_/ { print $3 }' | sort -u)
if [ ${#ROOTS[@]} -eq 0 ]; then
  echo "no pp_ functions found in $PROFILE_DIR/libpanelprep.a" >&2
  exit 1
fi
ld -r --gc-sections "${ROOTS[@]}" --whole-archive "$PROFILE_DIR/libpanelprep.a" \
  -o "$WORK/panelprep.o"
objcopy --remove-section=.llvmbc --remove-section=.llvmcmd \
  --wildcard --keep-global-symbol='pp_*' "$WORK/panelprep.o"
rm -f "$PREFIX/lib/libpanelprep.a"
ar rcs "$PREFIX/lib/libpanelprep.a" "$WORK/panelprep.o"

# Shared library under its full version, with the SONAME and development links.
SONAME=$(readelf -d "$PROFILE_DIR/libpanelprep.so" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
if [ "$SONAME" != "libpanelprep.so.$MAJOR" ]; then
  echo "libpanelprep.so has SONAME '$SONAME', expected libpanelprep.so.$MAJOR" >&2
  exit 1
fi
cp "$PROFILE_DIR/libpanelprep.so" "$PREFIX/lib/libpanelprep.so.$VERSION"
ln -sfn "libpanelprep.so.$VERSION" "$PREFIX/lib/$SONAME"
ln -sfn "libpanelprep.so.$VERSION" "$PREFIX/lib/libpanelprep.so"

sed -e "s|@PREFIX@|$PREFIX|" -e "s|@LIBDIR@|$PREFIX/lib|" -e "s|@VERSION@|$VERSION|" \
  "$ROOT/panelprep.pc.in" > "$PREFIX/lib/pkgconfig/panelprep.pc"
echo "installed panelprep $VERSION C library into $PREFIX"
