"""Seccomp-BPF filter for one program (x86_64): no new processes, programs, sockets, privilege changes or memfds.

Why hand-assembled BPF through ctypes: the sandbox must not depend on libseccomp bindings being installed,
and the filter is small. Threads stay allowed (clone with CLONE_THREAD); clone3 answers ENOSYS so glibc
falls back to clone, whose flags a classic BPF filter can inspect.
"""
import ctypes
import errno
import platform
import struct

AUDIT_ARCH_X86_64 = 0xC000003E
RET_ALLOW = 0x7FFF0000
RET_KILL_PROCESS = 0x80000000
RET_ERRNO = 0x00050000
CLONE_THREAD = 0x00010000

LD_W_ABS = 0x20
JEQ_K = 0x15
JGE_K = 0x35
JSET_K = 0x45
RET_K = 0x06

# Denied outright (EPERM): process creation and program execution, every socket operation, tracing,
# namespaces and mounts, privilege and ownership changes, kernel-wide controls.
DENIED = {
    "fork": 57, "vfork": 58, "execve": 59, "execveat": 322,
    "socket": 41, "connect": 42, "accept": 43, "sendto": 44, "recvfrom": 45, "sendmsg": 46, "recvmsg": 47,
    "shutdown": 48, "bind": 49, "listen": 50, "socketpair": 53, "accept4": 288, "sendmmsg": 307, "recvmmsg": 299,
    "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311, "pidfd_open": 434,
    "pidfd_send_signal": 424, "pidfd_getfd": 438, "rt_sigqueueinfo": 129, "rt_tgsigqueueinfo": 297,
    "setsid": 112, "setpgid": 109, "setuid": 105, "setgid": 106, "setreuid": 113, "setregid": 114,
    "setresuid": 117, "setresgid": 119, "setgroups": 116, "setfsuid": 122, "setfsgid": 123, "capset": 126,
    "chmod": 90, "fchmod": 91, "fchmodat": 268, "chown": 92, "fchown": 93, "lchown": 94, "fchownat": 260,
    "mount": 165, "umount2": 166, "pivot_root": 155, "chroot": 161, "unshare": 272, "setns": 308,
    "open_tree": 428, "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433,
    "mount_setattr": 442, "name_to_handle_at": 303, "open_by_handle_at": 304,
    "bpf": 321, "perf_event_open": 298, "userfaultfd": 323, "io_uring_setup": 425, "io_uring_enter": 426,
    "io_uring_register": 427, "keyctl": 250, "add_key": 248, "request_key": 249, "personality": 135,
    "kexec_load": 246, "kexec_file_load": 320, "init_module": 175, "finit_module": 313, "delete_module": 176,
    "reboot": 169, "swapon": 167, "swapoff": 168, "sethostname": 170, "setdomainname": 171, "acct": 163,
    "settimeofday": 164, "clock_settime": 227, "clock_adjtime": 305, "adjtimex": 159, "quotactl": 179,
    "syslog": 103, "ioperm": 173, "iopl": 172, "setrlimit": 160, "process_madvise": 440, "migrate_pages": 256,
    "move_pages": 279, "mbind": 237, "set_mempolicy": 238, "vhangup": 153, "lookup_dcookie": 212,
    "landlock_create_ruleset": 444, "landlock_add_rule": 445,
    # Memory outside the address space, which RLIMIT_AS and the peak-RSS check do not see: memfd files (a program
    # wrote 1.9 GB into them under a 64 MB limit) and SysV shared memory (outlives the program without an IPC
    # namespace). The runner creates its own stdin/stdout/stderr memfds before this filter is installed.
    "memfd_create": 319, "memfd_secret": 447, "shmget": 29, "shmat": 30, "shmctl": 31,
    # Metadata Landlock does not cover: permissions, timestamps and extended attributes of files anywhere.
    "fchmodat2": 452, "utime": 132, "utimes": 235, "futimesat": 261, "utimensat": 280,
    "setxattr": 188, "lsetxattr": 189, "fsetxattr": 190, "removexattr": 197, "lremovexattr": 198,
    "fremovexattr": 199, "setxattrat": 463, "removexattrat": 466,
}
SYS_FCNTL = 72
# fcntl commands that make the kernel signal another process on I/O (F_SETOWN, F_SETSIG, F_SETOWN_EX):
# with them a program could kill host processes of its uid without calling kill().
FCNTL_DENIED = (8, 10, 15)
SYS_CLONE = 56
SYS_CLONE3 = 435
SYS_KILL = 62
SYS_TKILL = 200
SYS_TGKILL = 234
SYS_PRLIMIT64 = 302

ARCH_OFFSET = 4
NR_OFFSET = 0


def _arg_low(i):
    return 16 + 8 * i


def _ins(code, jt, jf, k):
    return struct.pack("HBBI", code, jt, jf, k & 0xFFFFFFFF)


def build_filter(own_pid):
    """Returns the BPF program bytes. `own_pid` is the only process signals and prlimit may target."""
    prog = []
    prog.append(_ins(LD_W_ABS, 0, 0, ARCH_OFFSET))
    prog.append(_ins(JEQ_K, 1, 0, AUDIT_ARCH_X86_64))
    prog.append(_ins(RET_K, 0, 0, RET_KILL_PROCESS))
    prog.append(_ins(LD_W_ABS, 0, 0, NR_OFFSET))
    # x32 ABI numbers (bit 30 set) would bypass the table below.
    prog.append(_ins(JGE_K, 0, 1, 0x40000000))
    prog.append(_ins(RET_K, 0, 0, RET_ERRNO | errno.EPERM))
    for nr in sorted(set(DENIED.values())):
        prog.append(_ins(JEQ_K, 0, 1, nr))
        prog.append(_ins(RET_K, 0, 0, RET_ERRNO | errno.EPERM))
    prog.append(_ins(JEQ_K, 0, 1, SYS_CLONE3))
    prog.append(_ins(RET_K, 0, 0, RET_ERRNO | errno.ENOSYS))
    # clone: threads only.
    prog.append(_ins(JEQ_K, 0, 4, SYS_CLONE))
    prog.append(_ins(LD_W_ABS, 0, 0, _arg_low(0)))
    prog.append(_ins(JSET_K, 0, 1, CLONE_THREAD))
    prog.append(_ins(RET_K, 0, 0, RET_ALLOW))
    prog.append(_ins(RET_K, 0, 0, RET_ERRNO | errno.EPERM))
    # fcntl: everything but the signal-on-I/O commands.
    prog.append(_ins(JEQ_K, 0, 1 + 2 * len(FCNTL_DENIED) + 1, SYS_FCNTL))
    prog.append(_ins(LD_W_ABS, 0, 0, _arg_low(1)))
    for cmd in FCNTL_DENIED:
        prog.append(_ins(JEQ_K, 0, 1, cmd))
        prog.append(_ins(RET_K, 0, 0, RET_ERRNO | errno.EPERM))
    prog.append(_ins(RET_K, 0, 0, RET_ALLOW))
    # kill / tkill / tgkill / prlimit64: only this process (or 0 = itself / its own group).
    for nr in (SYS_KILL, SYS_TKILL, SYS_TGKILL, SYS_PRLIMIT64):
        prog.append(_ins(JEQ_K, 0, 6, nr))
        prog.append(_ins(LD_W_ABS, 0, 0, _arg_low(0)))
        prog.append(_ins(JEQ_K, 3, 0, 0))
        prog.append(_ins(JEQ_K, 2, 0, own_pid))
        prog.append(_ins(JEQ_K, 1, 0, -own_pid))
        prog.append(_ins(RET_K, 0, 0, RET_ERRNO | errno.EPERM))
        prog.append(_ins(RET_K, 0, 0, RET_ALLOW))
    prog.append(_ins(RET_K, 0, 0, RET_ALLOW))
    return b"".join(prog)


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2


def supported():
    return platform.system() == "Linux" and platform.machine() in ("x86_64", "AMD64")


def install(own_pid):
    """Installs the filter for this process and its threads; raises OSError when the kernel refuses."""
    libc = ctypes.CDLL(None, use_errno=True)
    code = build_filter(own_pid)
    buf = ctypes.create_string_buffer(code, len(code))
    prog = _SockFprog(len(code) // 8, ctypes.cast(buf, ctypes.c_void_p))
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(NO_NEW_PRIVS) failed")
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(SET_SECCOMP) failed")
