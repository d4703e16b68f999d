"""``beslut signera``: a PAdES signature on a published PDF, kept PDF/A-2b, and what builds do
with the signed copy afterwards.

The certificates are made here with ``cryptography`` (a test CA and a signer); pyHanko's own
validator checks the signatures against that CA. The example's protokoll (manifest kind
``protokoll``) is what is signed; where a test needs a second signed file from another unit, a
case PDF (``pdf``) or an item PDF (``item``) stands in, and the fixture widens
``publish.signed.SIGNABLE_KINDS`` for that.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pypdf import PdfReader

from beslut import __version__, api
from beslut.cli.main import cli
from beslut.errors import BuildLocked
from beslut.publish import signed, state
from beslut.publish.files import output_lock, sha256
from beslut.signing import SigningError, sign_pdf
from beslut.validate.pdf_audit import audit_pdf
from conftest import need_libreoffice
from test_render import copy_example_workspace

EPOCH = "1790000000"  # equal inputs give equal PDFs only with an equal time
CASE_PDF = "möten/2022-06-14-hsn/protokoll.pdf"
CASE_SOURCE = "content/protokoll/2022-06-14-hsn.yaml"
OTHER_PDF = "ärenden/22HSN5102-stimulansmedel-psykisk-hälsa-2019.pdf"
ITEM_PDF = "möten/2022-06-14-hsn/ärende-04.pdf"
MEETING_SOURCE = "content/möten/2022-06-14-hsn.yaml"
PASSPHRASE = "rätt lösenord"
PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"


# -- certificates made for the test ---------------------------------------------------------


@dataclass(frozen=True)
class Certificates:
    ca_pem: bytes
    p12: Path
    expired: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _signer_p12(
    folder: Path, name: str, ca: x509.Certificate, ca_key: Any, start: dt.datetime, days: int
) -> Path:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(name))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(_usage(ca=False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        name.encode(), key, cert, [ca], serialization.BestAvailableEncryption(PASSPHRASE.encode())
    )
    path = folder / f"{name.replace(' ', '-').lower()}.p12"
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    folder = tmp_path_factory.mktemp("certifikat")
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Testregionens test-CA"))
        .issuer_name(_name("Testregionens test-CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=10))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_usage(ca=True), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    return Certificates(
        ca_pem=ca.public_bytes(serialization.Encoding.PEM),
        p12=_signer_p12(folder, "Eva Lind", ca, ca_key, now - dt.timedelta(days=1), 30),
        expired=_signer_p12(folder, "Gammal Nyckel", ca, ca_key, now - dt.timedelta(days=9), 2),
    )


# -- the built example -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example workspace built once with LibreOffice (a copy, never the checkout)."""
    need_libreoffice()
    root = copy_example_workspace(tmp_path_factory.mktemp("exempel") / "arbetsyta")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        report = api.build(root)
    assert report.ok, [d.format() for d in report.diagnostics] + list(report.messages)
    return root


@pytest.fixture
def workspace(built_example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the built example whose build state names its own output folder."""
    root = tmp_path / "arbetsyta"
    shutil.copytree(built_example, root, symlinks=True)
    path = state.state_path(root)
    data = json.loads(path.read_text("utf-8"))
    data["out_dir"] = str((root / "output").resolve())
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setattr(signed, "SIGNABLE_KINDS", frozenset({"protokoll", "pdf", "item"}))
    monkeypatch.delenv("BESLUT_CERTIFIKAT_LOSENORD", raising=False)
    return root


def _sign(
    root: Path, target: str, certificates: Certificates, *extra: str, **env: str
) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        cli,
        [
            "signera",
            target,
            "--certifikat",
            str(certificates.p12),
            "--arbetsyta",
            str(root),
            *extra,
        ],
        env={"BESLUT_CERTIFIKAT_LOSENORD": PASSPHRASE, **env},
    )
    return result.exit_code, result.stdout, result.stderr


def _edit_minutes(root: Path) -> None:
    """Change the protokoll (the meeting ended five minutes later)."""
    path = root / CASE_SOURCE
    text = path.read_text("utf-8")
    assert 'tid: "09.00–11.40"' in text
    path.write_text(text.replace('tid: "09.00–11.40"', 'tid: "09.00–11.45"'), encoding="utf-8")


def _manifest(root: Path) -> dict[str, dict[str, str]]:
    data = json.loads((root / "output" / "manifest.json").read_text("utf-8"))
    return {e["path"]: e for e in data["outputs"]}


def _unit_outputs(root: Path, source: str) -> tuple[str, ...]:
    saved, _ = state.load(root, __version__)
    assert saved is not None
    return saved.units[source].outputs


def _snapshot(root: Path) -> dict[str, bytes]:
    out = root / "output"
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    files["state.json"] = state.state_path(root).read_bytes()
    return files


def _validate(path: Path, certificates: Certificates) -> tuple[Any, Any]:
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    _, _, der = pem.unarmor(certificates.ca_pem)
    context = ValidationContext(trust_roots=[asn1_x509.Certificate.load(der)])
    with path.open("rb") as handle:
        reader = PdfFileReader(handle)
        assert len(reader.embedded_signatures) == 1
        embedded = reader.embedded_signatures[0]
        # pyHanko's validation calls asyncio.run: in a thread of its own, since an earlier test
        # module may have left Playwright's event loop running in this one (the session's
        # browser), as beslut.signing does for signing
        with ThreadPoolExecutor(max_workers=1) as pool:
            status = pool.submit(validate_pdf_signature, embedded, context).result()
        return embedded.sig_object, status


def _pdfa_claim(path: Path) -> tuple[str | None, str | None, bytes]:
    """(pdfaid:part, pdfaid:conformance, the XMP packet) of a PDF."""
    reader = PdfReader(path)
    packet = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    part = conformance = None
    for node in ET.fromstring(packet).iter():
        if node.tag == f"{PDFAID}part":
            part = node.text
        elif node.tag == f"{PDFAID}conformance":
            conformance = node.text
        part = part or node.get(f"{PDFAID}part")
        conformance = conformance or node.get(f"{PDFAID}conformance")
    return part, conformance, packet


def _findings(path: Path) -> list[tuple[str, str, int | None]]:
    return [(f.code, f.message, f.page) for f in audit_pdf(path)]


# -- signing ----------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_the_signed_copy_is_a_valid_pades_signature_over_the_whole_file(
    workspace: Path, certificates: Certificates
) -> None:
    original = (workspace / "output" / CASE_PDF).read_bytes()
    code, out, err = _sign(workspace, CASE_PDF, certificates, "--ort", "Hedelunda")
    assert code == 0, err
    copy = workspace / "output" / signed.signed_path(CASE_PDF)
    assert copy.name == "protokoll-signerat.pdf"
    assert out.strip() == (
        f"beslut: signerade {CASE_PDF} och skrev {copy} (i manifest.json som protokoll-signerat)."
    )
    data = copy.read_bytes()
    assert data.startswith(original)  # an incremental update: every byte signed is kept
    sig, status = _validate(copy, certificates)
    assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    assert status.coverage.name == "ENTIRE_FILE"
    assert status.modification_level.name == "NONE"
    assert status.md_algorithm == "sha256"
    assert sig["/SubFilter"] == "/ETSI.CAdES.detached"
    assert sig["/Location"] == "Hedelunda"
    assert status.signing_cert.subject.native["common_name"] == "Eva Lind"
    byte_range = list(sig["/ByteRange"])
    assert byte_range[0] == 0 and byte_range[2] + byte_range[3] == len(data)


@pytest.mark.libreoffice
def test_the_signed_copy_stays_pdfa_2b_and_passes_the_same_audit(
    workspace: Path, certificates: Certificates
) -> None:
    original = workspace / "output" / CASE_PDF
    assert _sign(workspace, CASE_PDF, certificates)[0] == 0
    copy = workspace / "output" / signed.signed_path(CASE_PDF)
    part, conformance, packet = _pdfa_claim(copy)
    assert (part, conformance) == ("2", "B")
    assert packet == _pdfa_claim(original)[2]  # the XMP packet is the build's, untouched
    reader = PdfReader(copy)
    intents = reader.trailer["/Root"]["/OutputIntents"]
    assert [i.get_object()["/S"] for i in intents] == ["/GTS_PDFA1"]
    assert "/DestOutputProfile" in intents[0].get_object()
    before = _findings(original)
    assert [f for f in _findings(copy) if f not in before] == []
    # the widget is tagged: a Form element whose OBJR is the signature field's widget
    widget = reader.trailer["/Root"]["/AcroForm"]["/Fields"][0].get_object()
    assert widget["/FT"] == "/Sig" and list(widget["/Rect"]) == [0, 0, 0, 0]
    assert reader.pages[0]["/Tabs"] == "/S"


@pytest.mark.libreoffice
def test_the_pypi_checkers_find_nothing_new_in_the_signed_copy(
    workspace: Path, certificates: Certificates
) -> None:
    from test_pdf_crosscheck import need_checkers, run_checkers

    need_checkers()
    assert _sign(workspace, CASE_PDF, certificates)[0] == 0

    def found(path: Path) -> set[tuple[str, str, int | None, str, str]]:
        return {(f.checker, f.code, f.page, f.severity, f.message) for f in run_checkers(path)}

    copy = workspace / "output" / signed.signed_path(CASE_PDF)
    assert found(copy) - found(workspace / "output" / CASE_PDF) == set()


@pytest.mark.libreoffice
def test_the_manifest_and_the_build_state_list_the_signed_copy(
    workspace: Path, certificates: Certificates
) -> None:
    assert api.build(workspace).changed == ()  # stamps the copied inputs again
    out = (workspace / "output").resolve()
    assert state.up_to_date(workspace, out, ("docx", "pdf"), __version__) is not None
    before = _manifest(workspace)
    original = (workspace / "output" / CASE_PDF).read_bytes()
    assert _sign(workspace, CASE_PDF, certificates)[0] == 0
    after = _manifest(workspace)
    new = signed.signed_path(CASE_PDF)
    assert set(after) - set(before) == {new}
    assert after[new] == {
        "path": new,
        "source": CASE_SOURCE,
        "kind": "protokoll-signerat",
        "sha256": sha256(workspace / "output" / new),
    }
    assert {p: e for p, e in after.items() if p != new} == before
    assert (workspace / "output" / CASE_PDF).read_bytes() == original
    assert new in _unit_outputs(workspace, CASE_SOURCE)
    # the command's no-op path still sees an up-to-date build
    assert state.up_to_date(workspace, out, ("docx", "pdf"), __version__) is not None


@pytest.mark.libreoffice
def test_the_passphrase_can_come_from_a_file_and_a_path_from_here(
    workspace: Path, certificates: Certificates, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = workspace.parent / "lösenord.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    monkeypatch.chdir(workspace)
    result = CliRunner().invoke(
        cli,
        [
            *("signera", f"output/{OTHER_PDF}", "--certifikat", str(certificates.p12)),
            *("--lösenordsfil", str(secret), "--namn", "Eva Lind, sekreterare"),
        ],
        env={"BESLUT_CERTIFIKAT_LOSENORD": ""},
    )
    assert result.exit_code == 0, result.stderr
    sig, status = _validate(workspace / "output" / signed.signed_path(OTHER_PDF), certificates)
    assert status.valid and sig["/Name"] == "Eva Lind, sekreterare"


# -- refusals ----------------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_a_wrong_passphrase_writes_nothing(workspace: Path, certificates: Certificates) -> None:
    before = _snapshot(workspace)
    code, out, err = _sign(workspace, CASE_PDF, certificates, BESLUT_CERTIFIKAT_LOSENORD="fel")
    assert code == 1
    assert err.strip() == (
        f"beslut: Certifikatfilen {certificates.p12} kunde inte öppnas: fel lösenord, eller så "
        "är den ingen PKCS#12-fil (.p12, .pfx). Kontrollera lösenordet och filen."
    )
    assert out == ""
    assert _snapshot(workspace) == before


@pytest.mark.libreoffice
def test_no_passphrase_says_where_to_give_it(workspace: Path, certificates: Certificates) -> None:
    code, _out, err = _sign(workspace, CASE_PDF, certificates, BESLUT_CERTIFIKAT_LOSENORD="")
    assert code == 1
    assert "skyddad med lösenord" in err and "--lösenordsfil" in err


@pytest.mark.libreoffice
def test_an_expired_certificate_is_refused(workspace: Path, certificates: Certificates) -> None:
    data = (workspace / "output" / CASE_PDF).read_bytes()
    with pytest.raises(SigningError, match=r"gick ut \d{4}-\d\d-\d\d och kan inte användas"):
        sign_pdf(data, pkcs12=certificates.expired, passphrase=PASSPHRASE.encode())


@pytest.mark.libreoffice
def test_a_file_edited_after_the_build_is_refused(
    workspace: Path, certificates: Certificates
) -> None:
    target = workspace / "output" / CASE_PDF
    target.write_bytes(target.read_bytes() + b"\n% edited\n")
    before = _snapshot(workspace)
    code, _out, err = _sign(workspace, CASE_PDF, certificates)
    assert code == 1
    assert err.strip() == (
        f"beslut: {target} har ändrats efter bygget (innehållet stämmer inte med manifest.json) "
        "och signeras inte. Bygg igen med beslut build och signera den nya filen."
    )
    assert _snapshot(workspace) == before


@pytest.mark.libreoffice
def test_a_signed_file_is_not_signed_again(workspace: Path, certificates: Certificates) -> None:
    assert _sign(workspace, CASE_PDF, certificates)[0] == 0
    copy = workspace / "output" / signed.signed_path(CASE_PDF)
    before = _snapshot(workspace)
    code, _out, err = _sign(workspace, str(copy), certificates)
    assert code == 1
    assert err.strip() == f"beslut: {copy} är redan signerad. Signera originalet en gång."
    assert _snapshot(workspace) == before
    # and sign_pdf itself refuses a PDF with a signature, whatever the manifest says
    with pytest.raises(SigningError, match="är redan signerad"):
        sign_pdf(copy.read_bytes(), pkcs12=certificates.p12, passphrase=PASSPHRASE.encode())


@pytest.mark.libreoffice
def test_only_signable_kinds_and_published_files_are_signed(
    workspace: Path, certificates: Certificates, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(signed, "SIGNABLE_KINDS", frozenset({"protokoll"}))
    code, _out, err = _sign(workspace, OTHER_PDF, certificates)
    assert code == 1
    assert err.strip() == (
        f"beslut: {workspace / 'output' / OTHER_PDF} är av typen ”pdf” och signeras inte; bara "
        "PDF-filer av typen protokoll signeras (det justerade protokollet, protokoll.pdf i mötets "
        "mapp)."
    )
    docx = CASE_PDF.replace(".pdf", ".docx")
    code, _out, err = _sign(workspace, docx, certificates)
    assert code == 1 and "är av typen ”protokoll” och signeras inte" in err
    code, _out, err = _sign(workspace, "ärenden/finns-inte.pdf", certificates)
    assert code == 1 and "finns inte bland de filer bygget har publicerat" in err


def test_a_pdf_that_is_not_pdfa_is_refused(certificates: Certificates) -> None:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(SigningError, match=r"^protokoll\.pdf är ingen PDF/A-fil"):
        sign_pdf(
            buffer.getvalue(),
            pkcs12=certificates.p12,
            passphrase=PASSPHRASE.encode(),
            label="protokoll.pdf",
        )


@pytest.mark.libreoffice
def test_signing_waits_for_no_build(workspace: Path, certificates: Certificates) -> None:
    with output_lock((workspace / "output").resolve()), pytest.raises(BuildLocked):
        signed.sign_output(
            workspace, CASE_PDF, pkcs12=certificates.p12, passphrase=PASSPHRASE.encode()
        )


@pytest.mark.libreoffice
def test_an_existing_signed_copy_is_replaced_only_when_asked(
    workspace: Path, certificates: Certificates
) -> None:
    assert _sign(workspace, CASE_PDF, certificates, "--namn", "Eva Lind")[0] == 0
    copy = workspace / "output" / signed.signed_path(CASE_PDF)
    before = _snapshot(workspace)
    code, _out, err = _sign(workspace, CASE_PDF, certificates, "--namn", "Per Persson")
    assert code == 1
    assert err.strip() == (
        f"beslut: {copy} finns redan: {CASE_PDF} har redan signerats. Ange --ersätt om den "
        "signaturen ska ersättas av din."
    )
    assert _snapshot(workspace) == before
    assert _sign(workspace, CASE_PDF, certificates, "--namn", "Per Persson", "--ersätt")[0] == 0
    sig, status = _validate(copy, certificates)
    assert status.valid and sig["/Name"] == "Per Persson"
    assert _manifest(workspace)[signed.signed_path(CASE_PDF)]["sha256"] == sha256(copy)
    assert _unit_outputs(workspace, CASE_SOURCE).count(signed.signed_path(CASE_PDF)) == 1


# -- what later builds do ------------------------------------------------------------------------


@pytest.mark.libreoffice
def test_a_rebuild_drops_the_signature_of_a_changed_file_and_keeps_the_others(
    workspace: Path, certificates: Certificates
) -> None:
    assert _sign(workspace, CASE_PDF, certificates)[0] == 0
    assert _sign(workspace, OTHER_PDF, certificates)[0] == 0
    stale = signed.signed_path(CASE_PDF)
    other = signed.signed_path(OTHER_PDF)
    kept = _manifest(workspace)[other]
    _edit_minutes(workspace)
    report = api.build(workspace)
    assert CASE_SOURCE in report.changed and OTHER_PDF not in report.changed
    assert (
        f"Den signerade filen {stale} togs bort: {CASE_PDF} har byggts om från {CASE_SOURCE} och "
        "är nu en annan fil, och en signatur gäller bara den fil som signerades. Signera den nya "
        f"filen med ”beslut signera {CASE_PDF}”."
    ) in report.notes
    assert not (workspace / "output" / stale).exists()
    manifest = _manifest(workspace)
    assert stale not in manifest and stale not in _unit_outputs(workspace, CASE_SOURCE)
    assert manifest[other] == kept  # another unit's signed copy stays, file and entry
    assert sha256(workspace / "output" / other) == kept["sha256"]


@pytest.mark.libreoffice
def test_a_build_with_nothing_changed_keeps_the_signed_copy(
    workspace: Path, certificates: Certificates
) -> None:
    assert _sign(workspace, CASE_PDF, certificates)[0] == 0
    new = signed.signed_path(CASE_PDF)
    entry = _manifest(workspace)[new]
    report = api.build(workspace)
    assert report.changed == () and report.notes == ()
    assert _manifest(workspace)[new] == entry
    assert sha256(workspace / "output" / new) == entry["sha256"]
    assert new in _unit_outputs(workspace, CASE_SOURCE)


@pytest.mark.libreoffice
def test_a_file_built_again_byte_for_byte_keeps_its_signature(
    workspace: Path, certificates: Certificates
) -> None:
    """A meeting rebuilt for a comment makes the same item PDF: its signature still holds."""
    assert _sign(workspace, ITEM_PDF, certificates)[0] == 0
    new = signed.signed_path(ITEM_PDF)
    entry = _manifest(workspace)[new]
    assert entry["kind"] == "item-signerat" and entry["source"] == MEETING_SOURCE
    meeting = workspace / MEETING_SOURCE
    meeting.write_text(meeting.read_text("utf-8") + "# en kommentar\n", encoding="utf-8")
    report = api.build(workspace)
    assert MEETING_SOURCE in report.changed
    assert _manifest(workspace)[new] == entry
    assert new in _unit_outputs(workspace, MEETING_SOURCE)
    assert _validate(workspace / "output" / new, certificates)[1].valid


@pytest.mark.libreoffice
def test_a_forced_build_drops_a_signature_it_does_not_keep(
    workspace: Path, certificates: Certificates
) -> None:
    """--tvinga ignores the build state; the manifest still names the signed copy."""
    assert _sign(workspace, CASE_PDF, certificates)[0] == 0
    new = signed.signed_path(CASE_PDF)
    _edit_minutes(workspace)
    report = api.build(workspace, force=True)
    assert any(note.startswith(f"Den signerade filen {new} togs bort") for note in report.notes)
    assert not (workspace / "output" / new).exists()
    assert new not in _manifest(workspace)


@pytest.mark.libreoffice
def test_signing_works_inside_a_running_event_loop(
    workspace: Path, certificates: Certificates
) -> None:
    """pyHanko's sync API calls asyncio.run; an ASGI app or Playwright in the same process
    runs a loop already (CI found this when the web tests signed after a browser test)."""
    import asyncio

    data = (workspace / "output" / CASE_PDF).read_bytes()

    async def inside() -> bytes:
        return sign_pdf(data, pkcs12=certificates.p12, passphrase=PASSPHRASE.encode())

    # a thread of its own: this one may run Playwright's loop already (the session's browser)
    with ThreadPoolExecutor(max_workers=1) as pool:
        signed_data = pool.submit(lambda: asyncio.run(inside())).result()
    assert signed_data.startswith(data) and len(signed_data) > len(data)
