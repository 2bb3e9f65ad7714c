#!/usr/bin/env bash
# Vendors the browser-side JavaScript/CSS used by crates/kulissi-ui.
#
# The resulting files are committed to the repository, so building the Rust
# crates never needs Node or npm. Re-run this script only to upgrade (edit the
# versions below) or to verify the vendored files:
#
#     tools/vendor-js.sh
#
# Requires: bash, npm (registry access), tar, sha256sum (or shasum).
set -euo pipefail

HTMX_VERSION="2.0.11"
UPLOT_VERSION="1.6.32"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
vendor_dir="${repo_root}/crates/kulissi-ui/assets/vendor"
htmx_dir="${vendor_dir}/htmx-${HTMX_VERSION}"
uplot_dir="${vendor_dir}/uplot-${UPLOT_VERSION}"

if command -v sha256sum >/dev/null 2>&1; then
    sha256() { sha256sum "$1" | cut -d' ' -f1; }
else
    sha256() { shasum -a 256 "$1" | cut -d' ' -f1; }
fi

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT

# pack NAME VERSION -> extracts into ${work}/NAME/package, prints integrity
pack() {
    local name="$1" version="$2"
    local dest="${work}/${name}"
    mkdir -p "${dest}"
    local json
    json="$(cd "${dest}" && npm pack --json --silent "${name}@${version}")"
    local tarball integrity
    tarball="$(printf '%s' "${json}" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{process.stdout.write(JSON.parse(s)[0].filename)})')"
    integrity="$(printf '%s' "${json}" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{process.stdout.write(JSON.parse(s)[0].integrity)})')"
    # Cross-check against the registry metadata.
    local registry_integrity
    registry_integrity="$(npm view "${name}@${version}" dist.integrity)"
    if [[ "${integrity}" != "${registry_integrity}" ]]; then
        echo "integrity mismatch for ${name}@${version}: pack=${integrity} registry=${registry_integrity}" >&2
        exit 1
    fi
    tar -xzf "${dest}/${tarball}" -C "${dest}"
    printf '%s' "${integrity}" > "${dest}/integrity"
}

# copy SRC_PKG_DIR DEST_DIR FILE... (FILE relative to package/)
copy_files() {
    local src="$1" dst="$2"
    shift 2
    rm -rf "${dst}"
    mkdir -p "${dst}"
    local f
    for f in "$@"; do
        if [[ ! -f "${src}/${f}" ]]; then
            echo "missing ${f} in $(basename "$(dirname "${src}")") tarball" >&2
            exit 1
        fi
        cp "${src}/${f}" "${dst}/$(basename "${f}")"
    done
}

pack htmx.org "${HTMX_VERSION}"
pack uplot "${UPLOT_VERSION}"

htmx_files=(dist/htmx.min.js LICENSE)
uplot_files=(dist/uPlot.iife.min.js dist/uPlot.min.css LICENSE)

copy_files "${work}/htmx.org/package" "${htmx_dir}" "${htmx_files[@]}"
copy_files "${work}/uplot/package" "${uplot_dir}" "${uplot_files[@]}"

htmx_license="$(node -p 'require(process.argv[1]).license' "${work}/htmx.org/package/package.json")"
uplot_license="$(node -p 'require(process.argv[1]).license' "${work}/uplot/package/package.json")"

# file_table DIR FILE... -> markdown rows
file_table() {
    local dir="$1"
    shift
    local f base
    for f in "$@"; do
        base="$(basename "${f}")"
        printf '| `%s` | %s | `%s` |\n' "${base}" "$(wc -c < "${dir}/${base}" | tr -d ' ')" "$(sha256 "${dir}/${base}")"
    done
}

{
    cat <<EOF
# Vendored browser assets

These files are third-party JavaScript/CSS used by the Kulissi web UI. They are
**committed to the repository** and embedded into the binary at compile time,
so the Rust build never needs Node or npm.

They were fetched from the npm registry with \`npm pack\` by
\`tools/vendor-js.sh\`. To upgrade, edit the versions at the top of that script
and re-run it from the repository root:

    tools/vendor-js.sh

The script verifies the tarball integrity against \`npm view PKG@VER
dist.integrity\`, replaces the directories below and regenerates this file.
Do not edit the vendored files by hand.

## htmx.org ${HTMX_VERSION}

- Package: \`htmx.org@${HTMX_VERSION}\` (https://www.npmjs.com/package/htmx.org)
- Licence: ${htmx_license} (see \`htmx-${HTMX_VERSION}/LICENSE\`)
- npm integrity: \`$(cat "${work}/htmx.org/integrity")\`
- Directory: \`htmx-${HTMX_VERSION}/\`

| File | Bytes | SHA-256 |
|------|------:|---------|
EOF
    file_table "${htmx_dir}" "${htmx_files[@]}"
    cat <<EOF

## uplot ${UPLOT_VERSION}

- Package: \`uplot@${UPLOT_VERSION}\` (https://www.npmjs.com/package/uplot)
- Licence: ${uplot_license} (see \`uplot-${UPLOT_VERSION}/LICENSE\`)
- npm integrity: \`$(cat "${work}/uplot/integrity")\`
- Directory: \`uplot-${UPLOT_VERSION}/\`

| File | Bytes | SHA-256 |
|------|------:|---------|
EOF
    file_table "${uplot_dir}" "${uplot_files[@]}"
} > "${vendor_dir}/VENDORED.md"

echo "vendored htmx.org@${HTMX_VERSION} and uplot@${UPLOT_VERSION} into ${vendor_dir}"
