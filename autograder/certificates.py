"""TLS for the Dask cluster (``--scheduler tls://...``): the certificates, and the grader's side.

Dask's TLS is mutual: the scheduler, the workers and the grader each present a certificate, and
each accepts only a peer whose certificate the cluster's CA signed (Dask does not check host
names: the CA is the trust). ``python -m autograder certificates DIR`` makes that CA and two
certificates signed by it, one for the scheduler and the workers, one for the grader. The CA's
private key is never written: nobody, the instructor included, can sign another certificate
with it; to add machines, make a new folder and hand its files to every machine again.
"""
from __future__ import annotations

import datetime
import ipaddress
import os
import shlex
import socket
from pathlib import Path

#: the files ``make_certificates`` writes, by role
CA = "ca.pem"
SCHEDULER_CERT, SCHEDULER_KEY = "scheduler.pem", "scheduler-key.pem"
CLIENT_CERT, CLIENT_KEY = "client.pem", "client-key.pem"
FILES = (CA, SCHEDULER_CERT, SCHEDULER_KEY, CLIENT_CERT, CLIENT_KEY)
DEFAULT_DAYS = 365

INSECURE_WARNING = (
    "WARNING: --insecure: the Dask scheduler {address} is reached without encryption or "
    "authentication: anyone who can connect to it can run code as root on its workers.")


# -- the grader's side ---------------------------------------------------------------------------

def is_tls(address: str) -> bool:
    """Whether a Dask address uses TLS (an address without a scheme is Dask's plain tcp://)."""
    return address.strip().lower().startswith("tls://")


def check_scheduler_options(scheduler: str | None, ca_file, cert, key, insecure: bool) -> None:
    """Raise ``ValueError`` (the message for the instructor) unless the ``--scheduler`` and TLS
    options make sense together: a ``tls://`` scheduler with all three files, or a plain one with
    ``--insecure`` and no TLS file."""
    files = (("--tls-ca-file", ca_file), ("--tls-cert", cert), ("--tls-key", key))
    given = [name for name, value in files if value is not None]
    if scheduler is None:
        if given:
            raise ValueError(f"the TLS options ({', '.join(given)}) apply only with "
                             f"--scheduler tls://HOST:PORT")
        return
    if not is_tls(scheduler):
        if not insecure:
            raise ValueError(
                f"--scheduler {scheduler} is not encrypted or authenticated: anyone who can "
                f"connect to it can run code as root on its workers. Use a tls:// address with "
                f"--tls-ca-file, --tls-cert and --tls-key (`python -m autograder certificates "
                f"DIR` makes them), or add --insecure for a network only you can reach")
        if given:
            raise ValueError(f"the TLS options ({', '.join(given)}) need a tls:// "
                             f"scheduler address, not {scheduler}")
        return
    missing = [name for name, value in files if value is None]
    if missing:
        raise ValueError(f"--scheduler {scheduler} needs {', '.join(missing)} (the grader's "
                         f"certificate from `python -m autograder certificates DIR`: "
                         f"{CA}, {CLIENT_CERT}, {CLIENT_KEY})")
    for name, path in files:
        if not Path(path).is_file():
            raise ValueError(f"{name} {path}: no such file")


def tls_failure(exc: BaseException) -> str:
    """What to check when connecting failed in the TLS handshake ("" when it did not): the
    exception or the one it came from is an ``ssl.SSLError``, or Dask's message says so."""
    import ssl

    causes = [exc, exc.__cause__, exc.__context__]
    named = "SSL" in str(exc) or "TLS certificate" in str(exc)  # Dask's words for both failures
    if not named and not any(isinstance(e, ssl.SSLError) for e in causes):
        return ""
    return ("the TLS handshake failed: --tls-ca-file must be the CA that signed the scheduler's "
            "certificate, and --tls-cert/--tls-key a certificate the same CA signed (the files "
            "of one `python -m autograder certificates` folder)")


def client_security(ca_file, cert, key):
    """The ``distributed.Security`` the grader connects with: its own certificate, the cluster's
    CA, and no connection without encryption."""
    from distributed.security import Security

    return Security(tls_ca_file=str(ca_file), tls_client_cert=str(cert),
                    tls_client_key=str(key), require_encryption=True)


def scheduler_security(options):
    """The ``Security`` for ``options.scheduler`` (a ``grade.Options``): the grader's TLS
    certificate for a ``tls://`` address, None for a plain one accepted with ``--insecure``.
    ``ValueError`` when the options do not go together."""
    o = options
    check_scheduler_options(o.scheduler, o.tls_ca_file, o.tls_cert, o.tls_key, o.insecure)
    return client_security(o.tls_ca_file, o.tls_cert, o.tls_key) if is_tls(o.scheduler) else None


# -- making the certificates ---------------------------------------------------------------------

def default_hostnames() -> list[str]:
    """This machine's names: what the scheduler's certificate names when ``--hostname`` is not
    given (Dask does not check them; other TLS tools may)."""
    names = [socket.getfqdn(), socket.gethostname(), "localhost", "127.0.0.1"]
    return list(dict.fromkeys(n for n in names if n))


def _private_key():
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1())


def _name(common_name: str):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "dlcourse autograder"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _alt_names(hostnames: list[str]):
    """Subject alternative names: IP addresses as such, everything else as a DNS name."""
    from cryptography import x509

    entries = []
    for host in hostnames:
        try:
            entries.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            entries.append(x509.DNSName(host))
    return x509.SubjectAlternativeName(entries)


def _certificate(subject: str, key, issuer, issuer_key, days: int, *, ca: bool = False,
                 hostnames: list[str] = ()):
    """A certificate for ``key``, signed by ``issuer_key``: the CA's own (``ca``), or one that
    serves and connects (both: Dask's workers are servers and clients) naming ``hostnames``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID

    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (x509.CertificateBuilder()
               .subject_name(_name(subject)).issuer_name(issuer)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - datetime.timedelta(minutes=5))  # clocks a little apart
               .not_valid_after(now + datetime.timedelta(days=days))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None),
                              critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                              critical=False))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
            key_encipherment=False, data_encipherment=False, key_agreement=False,
            encipher_only=False, decipher_only=False), critical=True)
    else:
        builder = (builder
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                       issuer_key.public_key()), critical=False)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH,
                                                         ExtendedKeyUsageOID.CLIENT_AUTH]),
                                  critical=False))
        if hostnames:
            builder = builder.add_extension(_alt_names(list(hostnames)), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(obj) -> bytes:
    from cryptography.hazmat.primitives import serialization

    if hasattr(obj, "private_bytes"):
        return obj.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption())
    return obj.public_bytes(serialization.Encoding.PEM)


def _write_new(path: Path, data: bytes, mode: int) -> None:
    """Write a file that must not exist yet, created with ``mode`` (never readable by others
    for a key, not even for a moment)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.chmod(path, mode)  # the umask may have taken bits away from a certificate's 0644


def make_certificates(folder: Path, hostnames: list[str] | None = None,
                      days: int = DEFAULT_DAYS) -> dict[str, Path]:
    """Write a new CA and two certificates it signs into ``folder``: ``ca.pem``,
    ``scheduler.pem`` + ``scheduler-key.pem`` (the scheduler and every worker), ``client.pem`` +
    ``client-key.pem`` (the grader). Keys are mode 0600. Raise ``FileExistsError`` before writing
    anything when one of these files exists. Returns the paths by file name."""
    folder = Path(folder)
    paths = {name: folder / name for name in FILES}
    existing = [str(p) for p in paths.values() if p.exists()]
    if existing:
        raise FileExistsError(f"refusing to overwrite {', '.join(existing)}: choose another "
                              f"folder, or remove them (every machine then needs the new files)")
    folder.mkdir(parents=True, exist_ok=True)
    ca_key = _private_key()
    ca_name = "dlcourse autograder Dask CA"
    ca_cert = _certificate(ca_name, ca_key, _name(ca_name), ca_key, days, ca=True)
    scheduler_key, client_key = _private_key(), _private_key()
    scheduler_cert = _certificate("dask scheduler and workers", scheduler_key, ca_cert.subject,
                                  ca_key, days, hostnames=hostnames or default_hostnames())
    client_cert = _certificate("autograder", client_key, ca_cert.subject, ca_key, days)
    for name, data, mode in ((CA, _pem(ca_cert), 0o644),
                             (SCHEDULER_CERT, _pem(scheduler_cert), 0o644),
                             (SCHEDULER_KEY, _pem(scheduler_key), 0o600),
                             (CLIENT_CERT, _pem(client_cert), 0o644),
                             (CLIENT_KEY, _pem(client_key), 0o600)):
        _write_new(paths[name], data, mode)
    return paths


def next_steps(paths: dict[str, Path], port: int = 8786) -> str:
    """The commands the instructor runs next: the scheduler, each worker, the grader."""
    def q(name: str) -> str:
        return shlex.quote(str(paths[name].resolve()))

    server = f"--tls-ca-file {q(CA)} --tls-cert {q(SCHEDULER_CERT)} --tls-key {q(SCHEDULER_KEY)}"
    return "\n".join([
        f"Copy {CA}, {SCHEDULER_CERT} and {SCHEDULER_KEY} to the scheduler's and every "
        f"worker's machine (below: into the same folder {paths[CA].parent.resolve()}); "
        f"{CLIENT_KEY} stays with the grader. Whoever holds a key can join the cluster: keep "
        f"them private (mode 0600). Then run:",
        f"  on the scheduler's machine:  dask scheduler --port {port} {server}",
        f"  on each worker (as root):    dask worker tls://SCHEDULER_HOST:{port} {server}",
        "  on this machine:             python -m autograder grade ASSIGNMENT SUBMISSIONS "
        f"--scheduler tls://SCHEDULER_HOST:{port} --tls-ca-file {q(CA)} --tls-cert "
        f"{q(CLIENT_CERT)} --tls-key {q(CLIENT_KEY)}",
    ])
