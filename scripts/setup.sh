#!/usr/bin/env bash
# Create .venv at the project root and install the project (idempotent).
#   EXTRAS=dev,st scripts/setup.sh   installs the test tools and the sentence-transformers extra.
#   INSTALLER=pip scripts/setup.sh   installs with pip only (default: uv, falling back to pip).
#
# uv (installed into .venv by pip, a few seconds) creates nothing new: it installs the same
# packages pip would, from PyPI, several times faster.  torch, pinned in pyproject.toml, is
# taken from the wheel file pip finds on this disk (pip's find-links): uv does not look
# there and would download a CUDA build of several GB, so without that file pip installs.
# Every step prints what it does; nothing is silenced.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
spec="."
if [ -n "${EXTRAS:-}" ]; then
    spec=".[${EXTRAS}]"
fi
stamp=".venv/.installed-${EXTRAS:-base}"
if [ -f "$stamp" ] && [ ! pyproject.toml -nt "$stamp" ]; then
    exit 0
fi
started=$SECONDS
if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv with $PYTHON" >&2
    "$PYTHON" -m venv .venv
fi

# The local torch wheel of the version pyproject.toml pins, if the st extra is asked for.
torch_wheel() {
    local pin dirs dir
    pin="$(grep -o '"torch==[0-9.]*"' pyproject.toml | tr -d '"' | cut -d= -f3 || true)"
    [ -n "$pin" ] || return 1
    dirs="${PIP_FIND_LINKS:-$(.venv/bin/python -m pip config get global.find-links 2>/dev/null || true)}"
    for dir in $dirs; do
        dir="${dir#file://}"
        for wheel in "$dir"/torch-"$pin"[+-]*cp3"$(.venv/bin/python -c 'import sys; print(sys.version_info[1])')"-*.whl; do
            if [ -f "$wheel" ]; then
                echo "$wheel"
                return 0
            fi
        done
    done
    return 1
}

install_with_uv() {
    local extra=()
    case ",${EXTRAS:-}," in
        *,st,*)
            local wheel
            wheel="$(torch_wheel)" || {
                echo "setup: no local torch wheel for uv; using pip" >&2
                return 1
            }
            extra=("$wheel")
            ;;
    esac
    echo "setup: installing uv into .venv (pip)" >&2
    .venv/bin/python -m pip install --disable-pip-version-check --progress-bar off uv \
        || return 1
    echo "setup: installing $spec with uv${extra:+ (torch from ${extra[0]})}" >&2
    # --compile-bytecode as pip does: a package compiled at first import would warn (jieba's
    # invalid escapes), and the tests turn warnings into errors
    .venv/bin/uv pip install --compile-bytecode --python .venv/bin/python "${extra[@]}" -e "$spec"
}

install_with_pip() {
    echo "setup: installing $spec with pip (several minutes on a fresh clone with st)" >&2
    .venv/bin/python -m pip install --disable-pip-version-check --progress-bar off \
        --upgrade pip
    .venv/bin/python -m pip install --disable-pip-version-check --progress-bar off -e "$spec"
}

if [ "${INSTALLER:-uv}" = "uv" ] && install_with_uv; then
    :
else
    [ "${INSTALLER:-uv}" = "uv" ] && echo "setup: uv did not install; falling back to pip" >&2
    install_with_pip
fi
touch "$stamp"
echo "setup: .venv ready in $((SECONDS - started)) s" >&2
