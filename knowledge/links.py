"""Symbolic links in the staff folders: followed only to a file inside their own folder.

A mounted ConfigMap's ``..data`` links stay inside the folder and are followed; a link
leading out of it (a secret elsewhere on the server) or to nothing is a problem named at
the link, never read silently nor skipped.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["link_problem"]


def link_problem(path: Path, folder: Path) -> str | None:
    """Why the link ``path`` in ``folder`` may not be read (Chinese), or None."""
    if not path.is_symlink():
        return None
    target = path.resolve()
    if not target.exists():
        return f"符号链接指向不存在的文件（{target}）：请删除或修正该链接"
    if not target.is_relative_to(folder.resolve()):
        return f"已拒绝：符号链接指向 {folder.name}/ 文件夹之外（{target}）：请把文件复制进来"
    return None
