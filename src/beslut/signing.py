"""PAdES signatures on finished PDF/A files (pyHanko), keeping them PDF/A-2b and tagged.

:func:`sign_pdf` is pure: bytes in, signed bytes out. The signature is an *invisible* field (a
visible one needs an appearance stream with embedded fonts), added as an incremental update, so
every byte of the unsigned file stays as it was, XMP metadata and output intent included. The
signature is PAdES baseline B-B: SubFilter ETSI.CAdES.detached, SHA-256, the certificate chain
from the PKCS#12 file embedded; no time stamp and no revocation information, since beslut
signs without network access.

Three things pyHanko does on its own are done differently here, each because the result would
otherwise stop being PDF/A-2b or PDF/UA-1 (``beslut granska`` finds all three):

* pyHanko rewrites the XMP packet when it saves (its own serialisation drops the text of
  ``pdfaSchema:namespaceURI`` and writes ``pdf:Producer`` differently from /Info's Producer),
  so the writer here leaves the document's metadata alone (:class:`_KeepMetadata`); the
  signing time is in the signature itself (/M and the CMS signing-time attribute);
* the widget annotation is put into the structure tree (a ``Form`` element with an OBJR, its
  /StructParent in the ParentTree), as PDF/UA requires of every annotation;
* its page gets ``/Tabs /S`` (tab order by structure).

pyHanko is imported inside the functions: ``import beslut.signing`` costs nothing.
"""

from __future__ import annotations

import asyncio
import io
import xml.etree.ElementTree as ET
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from beslut.errors import UserError

T = TypeVar("T")

FIELD_NAME = "Signatur"
"""Name of the signature field; a number is added when the name is taken."""

_PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"


class SigningError(UserError):
    """A PDF could not be signed; the message is Swedish and names the file."""


def sign_pdf(
    data: bytes,
    *,
    pkcs12: Path,
    passphrase: bytes | None = None,
    signer_name: str | None = None,
    reason: str | None = None,
    location: str | None = None,
    label: str = "PDF-filen",
) -> bytes:
    """Return ``data`` with a PAdES B-B signature added as an incremental update.

    The key and certificate come from the PKCS#12 file ``pkcs12`` (opened with
    ``passphrase``); ``signer_name`` (default: the certificate's common name), ``reason`` and
    ``location`` go into the signature. ``label`` names the file in messages. Raises :class:`SigningError` (Swedish) when the
    certificate cannot be used (wrong passphrase, not PKCS#12, expired or not yet valid), or
    the PDF is not a PDF/A file, is encrypted, damaged or already signed.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers
    from pyhanko.sign.fields import SigSeedSubFilter

    simple = _load_signer(pkcs12, passphrase)
    writer = _writer(data, label)
    reader: PdfFileReader = writer.prev
    if reader.encrypted:
        raise SigningError(
            f"{label} är krypterad och kan inte signeras. Signera den okrypterade filen."
        )
    if reader.embedded_signatures:
        raise SigningError(
            f"{label} är redan signerad. Signera den osignerade filen från bygget i stället "
            "för att signera en gång till."
        )
    _require_pdfa(writer, label)
    field_name = _free_field_name(writer)
    try:
        # The field first, so that it can be tagged before pyHanko signs it.
        fields.append_signature_field(writer, fields.SigFieldSpec(field_name, on_page=0))
        _tag_widget(writer, field_name, signer_name or _common_name(simple))
        meta = signers.PdfSignatureMetadata(
            field_name=field_name,
            md_algorithm="sha256",
            subfilter=SigSeedSubFilter.PADES,
            name=signer_name or None,
            reason=reason or None,
            location=location or None,
        )
        signer = signers.PdfSigner(meta, signer=simple)
        output = _outside_event_loop(lambda: signer.sign_pdf(writer))
    except SigningError:
        raise
    except Exception as exc:  # pyHanko's errors: a PDF it cannot extend or sign
        raise SigningError(f"{label} kunde inte signeras: {exc}") from None
    return bytes(output.getbuffer())


def _outside_event_loop(work: Callable[[], T]) -> T:
    """Run ``work`` here, or in a thread of its own when this thread runs an asyncio loop.

    pyHanko's synchronous API calls ``asyncio.run``, which refuses to run inside a running
    loop (an ASGI app such as ``beslut serve``, or Playwright's sync API in the same process)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="signera") as pool:
        return pool.submit(work).result()


def _load_signer(where: Path, passphrase: bytes | None) -> Any:
    """Read the PKCS#12 file: the key, its certificate and the chain; check the dates."""
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.sign import signers

    try:
        raw = where.read_bytes()
    except OSError as exc:
        raise SigningError(
            f"Certifikatfilen {where} kunde inte läsas ({exc.strerror or exc})."
        ) from None
    try:
        key, cert, _chain = pkcs12.load_key_and_certificates(raw, passphrase)
    except (ValueError, TypeError):
        if passphrase is None:
            raise SigningError(
                f"Certifikatfilen {where} kunde inte öppnas. Den är skyddad med lösenord "
                "(ange det med --lösenordsfil eller i miljövariabeln "
                "BESLUT_CERTIFIKAT_LOSENORD), eller så är den ingen PKCS#12-fil (.p12, .pfx)."
            ) from None
        raise SigningError(
            f"Certifikatfilen {where} kunde inte öppnas: fel lösenord, eller så är den ingen "
            "PKCS#12-fil (.p12, .pfx). Kontrollera lösenordet och filen."
        ) from None
    if key is None or cert is None:
        raise SigningError(
            f"Certifikatfilen {where} innehåller inte både en privat nyckel och ett certifikat; "
            "båda behövs för att signera. Exportera certifikatet med nyckel."
        )
    now = datetime.now(UTC)
    if now < cert.not_valid_before_utc:
        raise SigningError(
            f"Certifikatet i {where} gäller först från "
            f"{cert.not_valid_before_utc:%Y-%m-%d %H.%M} (UTC). Signera när det börjat gälla."
        )
    if now > cert.not_valid_after_utc:
        raise SigningError(
            f"Certifikatet i {where} gick ut {cert.not_valid_after_utc:%Y-%m-%d} och kan inte "
            "användas för att signera. Skaffa ett nytt certifikat."
        )
    try:
        return signers.SimpleSigner.load_pkcs12_data(raw, [], passphrase=passphrase)
    except ValueError:
        raise SigningError(f"Certifikatfilen {where} kunde inte användas av pyHanko.") from None


def _common_name(simple: Any) -> str:
    name = simple.signing_cert.subject.native.get("common_name")
    return str(name) if name else "okänd"


def _writer(data: bytes, label: str) -> Any:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    class _KeepMetadata(IncrementalPdfFileWriter):
        """An incremental writer that leaves /Info and the XMP packet as they are.

        pyHanko's writer updates both when it saves (``_update_meta``), rewriting the XMP
        packet in a form that is no longer valid PDF/A (see the module docstring). The
        signed file keeps the metadata of the file it signs; the signing time is in the
        signature.
        """

        def _update_meta(self) -> None:
            return None

    try:
        return _KeepMetadata(io.BytesIO(data), strict=False)
    except Exception as exc:  # pyHanko's reader: a damaged file or no PDF at all
        raise SigningError(f"{label} kunde inte läsas som PDF: {exc}") from None


def _require_pdfa(writer: Any, label: str) -> None:
    """Refuse a PDF without a PDF/A claim in its XMP packet or without an output intent."""
    root = writer.root
    part = conformance = None
    metadata = root.get("/Metadata")
    if metadata is not None:
        try:
            tree = ET.fromstring(metadata.get_object().data)
        except (ET.ParseError, AttributeError):
            tree = None
        if tree is not None:
            for node in tree.iter():
                part = part or node.get(f"{_PDFAID}part")
                conformance = conformance or node.get(f"{_PDFAID}conformance")
                if node.tag == f"{_PDFAID}part":
                    part = (node.text or "").strip()
                elif node.tag == f"{_PDFAID}conformance":
                    conformance = (node.text or "").strip()
    if not part or "/OutputIntents" not in root:
        raise SigningError(
            f"{label} är ingen PDF/A-fil (XMP-metadata saknar pdfaid:part eller filen saknar "
            "OutputIntent). Bara arkivbeständiga PDF/A-filer från bygget signeras; bygg "
            "protokollet med beslut build och signera den filen."
        )
    if part != "2" or (conformance or "").upper() not in ("A", "B", "U"):
        raise SigningError(
            f"{label} är PDF/A-{part}{(conformance or '').lower()}, inte PDF/A-2. Bygg "
            "protokollet med beslut build och signera den filen."
        )


def _free_field_name(writer: Any) -> str:
    taken = set()
    acroform = writer.root.get("/AcroForm")
    if acroform is not None:
        for item in acroform.get_object().get("/Fields", []):
            taken.add(str(item.get_object().get("/T", "")))
    name, number = FIELD_NAME, 1
    while name in taken:
        number += 1
        name = f"{FIELD_NAME}{number}"
    return name


def _tag_widget(writer: Any, field_name: str, signer_name: str) -> None:
    """Put the signature's widget into the structure tree and give its page /Tabs /S.

    PDF/UA-1 (7.18.1, 7.18.3) requires every annotation, a zero-size widget too, to be the
    content of a structure element (``Form`` for a widget, through an OBJR, with /StructParent
    pointing back through the ParentTree) and a page with annotations to have ``/Tabs /S``.
    An untagged file (no StructTreeRoot) is left untagged.
    """
    from pyhanko.pdf_utils import generic as typed
    from pyhanko.pdf_utils.generic import pdf_name

    generic: Any = typed  # some of its constructors are untyped
    root = writer.root
    widget_ref = None
    for item in root["/AcroForm"].get_object()["/Fields"]:
        if str(item.get_object().get("/T", "")) == field_name:
            widget_ref = item
    if widget_ref is None:  # pragma: no cover - the field was just added
        return
    widget = widget_ref.get_object()
    widget[pdf_name("/TU")] = generic.TextStringObject(f"Elektronisk signatur: {signer_name}")
    page_ref = widget.raw_get("/P")
    page = page_ref.get_object()
    page[pdf_name("/Tabs")] = pdf_name("/S")
    _touch(writer, page)
    tree_ref = root.raw_get("/StructTreeRoot") if "/StructTreeRoot" in root else None
    if tree_ref is None:
        _touch(writer, widget)
        return
    tree = tree_ref.get_object()
    top = _top_element(tree_ref)
    key = int(tree.get("/ParentTreeNextKey", _next_key(tree.get("/ParentTree"))))
    element = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/StructElem"),
            pdf_name("/S"): pdf_name("/Form"),
            pdf_name("/P"): top[0],
            pdf_name("/Pg"): page_ref,
            pdf_name("/Alt"): generic.TextStringObject(f"Elektronisk signatur: {signer_name}"),
            pdf_name("/K"): generic.DictionaryObject(
                {
                    pdf_name("/Type"): pdf_name("/OBJR"),
                    pdf_name("/Obj"): widget_ref,
                    pdf_name("/Pg"): page_ref,
                }
            ),
        }
    )
    element_ref = writer.add_object(element)
    parent = top[1]
    kids = parent.get("/K")
    if kids is None:
        parent[pdf_name("/K")] = generic.ArrayObject([element_ref])
    elif isinstance(kids, generic.ArrayObject):
        kids.append(element_ref)
    else:
        parent[pdf_name("/K")] = generic.ArrayObject([parent.raw_get("/K"), element_ref])
    _touch(writer, parent)
    widget[pdf_name("/StructParent")] = generic.NumberObject(key)
    _touch(writer, widget)
    _add_to_parent_tree(writer, tree, key, element_ref)
    tree[pdf_name("/ParentTreeNextKey")] = generic.NumberObject(key + 1)
    _touch(writer, tree)


def _top_element(tree_ref: Any) -> tuple[Any, Any]:
    """Return (indirect reference, dictionary) of the element the Form element goes into.

    That is the document's top element (``Document``, the StructTreeRoot's only kid) when there
    is one, else the StructTreeRoot itself.
    """
    from pyhanko.pdf_utils import generic

    tree = tree_ref.get_object()
    kids = tree.raw_get("/K") if "/K" in tree else None
    kids_obj = kids.get_object() if kids is not None else None
    if isinstance(kids_obj, generic.ArrayObject) and len(kids_obj) == 1:
        kids = kids_obj.raw_get(0)
        kids_obj = kids.get_object()
    if isinstance(kids, generic.IndirectObject) and isinstance(kids_obj, generic.DictionaryObject):
        return kids, kids_obj
    return tree_ref, tree


def _next_key(parent_tree: Any) -> int:
    """The first key above every key of a number tree (when /ParentTreeNextKey is missing)."""
    if parent_tree is None:
        return 0
    node = parent_tree.get_object()
    highest = -1
    nums = node.get("/Nums")
    if nums is not None:
        highest = max([highest, *(int(nums[i]) for i in range(0, len(nums), 2))])
    for kid in node.get("/Kids", []):
        highest = max(highest, _next_key(kid) - 1)
    return highest + 1


def _add_to_parent_tree(writer: Any, tree: Any, key: int, element_ref: Any) -> None:
    """Add ``key → element`` to the ParentTree; ``key`` is above every key already in it."""
    from pyhanko.pdf_utils import generic as typed
    from pyhanko.pdf_utils.generic import pdf_name

    generic: Any = typed  # some of its constructors are untyped
    number = generic.NumberObject(key)
    if "/ParentTree" not in tree:
        node = generic.DictionaryObject({pdf_name("/Nums"): generic.ArrayObject([])})
        tree[pdf_name("/ParentTree")] = writer.add_object(node)
    node = tree["/ParentTree"]
    if "/Kids" in node:
        # A new leaf at the end keeps the tree ordered, since the key is the highest.
        leaf = generic.DictionaryObject(
            {
                pdf_name("/Limits"): generic.ArrayObject([number, number]),
                pdf_name("/Nums"): generic.ArrayObject([number, element_ref]),
            }
        )
        node["/Kids"].append(writer.add_object(leaf))
    else:
        node.setdefault(pdf_name("/Nums"), generic.ArrayObject([]))
        node["/Nums"].extend([number, element_ref])
    _touch(writer, node)


def _touch(writer: Any, obj: Any) -> None:
    """Write ``obj``'s container again in the update (objects made now are written anyway)."""
    if obj.container_ref is not None:
        writer.update_container(obj)


__all__ = ["FIELD_NAME", "SigningError", "sign_pdf"]
