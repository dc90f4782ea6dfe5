"""Isolation and limits applied inside a freshly forked (single-threaded) worker.

A user namespace gives the worker the right to build its own mount namespace without
privileges: the node's state dir and other functions' code disappear under empty tmpfs,
/tmp becomes a private tmpfs, and the paths the function needs are cloned (open_tree)
before they are covered and moved back (move_mount) after. A second, nested user namespace
then locks every mount, so the function cannot unmount a mask to look underneath.
"""
from __future__ import annotations

import ctypes
import os
import resource

from fogbank.runtime.plan import SandboxPlan

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNS = 0x00020000
_MS_REC = 0x4000
_MS_PRIVATE = 0x40000
_MS_NOSUID = 0x2
_MS_NODEV = 0x4
_AT_FDCWD = -100
_AT_RECURSIVE = 0x8000
_OPEN_TREE_CLONE = 1
_OPEN_TREE_CLOEXEC = os.O_CLOEXEC
_MOVE_MOUNT_F_EMPTY_PATH = 0x4
# The "new mount API" syscalls have the same numbers on every architecture.
_SYS_OPEN_TREE = 428
_SYS_MOVE_MOUNT = 429

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


def _check(result: int, what: str) -> int:
    if result < 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")
    return result


def _enter_user_and_mount_ns(outer_uid: int, outer_gid: int) -> None:
    _check(_libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNS), "unshare")
    with open("/proc/self/setgroups", "w") as f:
        f.write("deny")
    with open("/proc/self/uid_map", "w") as f:
        f.write(f"0 {outer_uid} 1")
    with open("/proc/self/gid_map", "w") as f:
        f.write(f"0 {outer_gid} 1")


def _mount_tmpfs(target: str, size_mb: int, mode: str) -> None:
    options = f"size={size_mb}m,mode={mode}".encode()
    _check(_libc.mount(b"tmpfs", target.encode(), b"tmpfs", _MS_NOSUID | _MS_NODEV, options),
           f"mount tmpfs on {target}")


def _clone_tree(path: str) -> int:
    flags = _OPEN_TREE_CLONE | _OPEN_TREE_CLOEXEC | _AT_RECURSIVE
    return _check(_libc.syscall(_SYS_OPEN_TREE, _AT_FDCWD, path.encode(), flags),
                  f"open_tree {path}")


def _attach_tree(tree_fd: int, target: str) -> None:
    os.makedirs(target, exist_ok=True)
    _check(_libc.syscall(_SYS_MOVE_MOUNT, tree_fd, b"", _AT_FDCWD, target.encode(),
                         _MOVE_MOUNT_F_EMPTY_PATH), f"move_mount {target}")
    os.close(tree_fd)


def enter() -> None:
    """Own user and mount namespaces (done ahead of time, before the plan is known).

    Raises OSError when the platform has no usable namespaces or mount API (Linux < 5.2);
    nothing is mounted yet then, so the worker can still run unsandboxed.
    """
    _enter_user_and_mount_ns(os.getuid(), os.getgid())
    # Our mount changes must not propagate back to the host.
    _check(_libc.mount(b"none", b"/", None, _MS_REC | _MS_PRIVATE, None), "make / private")
    flags = _OPEN_TREE_CLONE | _OPEN_TREE_CLOEXEC | _AT_RECURSIVE
    os.close(_check(_libc.syscall(_SYS_OPEN_TREE, _AT_FDCWD, b"/", flags), "open_tree"))


def isolate(plan: SandboxPlan) -> None:
    """Hide what the function must not see, then lock the mounts (after `enter`)."""
    kept = [(path, _clone_tree(path)) for path in plan.keep if os.path.isdir(path)]
    _mount_tmpfs("/tmp", plan.tmp_size_mb, "1777")
    for path in plan.mask:
        if os.path.isdir(path):
            _mount_tmpfs(path, 1, "755")
    for path, tree_fd in kept:
        _attach_tree(tree_fd, path)
    # Nested namespace: mounts inherited from a more privileged namespace become locked.
    _enter_user_and_mount_ns(0, 0)


# Address space a function reserves without using it: thread stacks (8 MB each; room for
# 128 threads) and glibc's malloc arenas (64 MB each, up to 8 per core, one per busy thread).
# Lambda counts only memory in use, so a handler that posts from a pool of threads must not
# fail with "can't start new thread".
def reserved_headroom_bytes() -> int:
    return (128 * 8 + 8 * (os.cpu_count() or 1) * 64) * 1024 * 1024


def limit_resources(memory_mb: int) -> None:
    """Hard address-space ceiling: what is mapped now (the zygote's image), the function's
    memory size, and room for reservations that are never touched (threads' stacks).

    RSS is policed by the node's watchdog; this limit stops a single huge allocation
    between two watchdog looks.
    """
    with open("/proc/self/statm") as f:
        mapped_bytes = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    ceiling = mapped_bytes + memory_mb * 1024 * 1024 + reserved_headroom_bytes()
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # Lambda's file descriptor limit.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    limit = 1024 if hard == resource.RLIM_INFINITY else min(1024, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))
