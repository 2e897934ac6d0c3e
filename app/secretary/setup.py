"""Setting up a meeting: header, rubric, consolidation rule, roster (from certificate files),
agenda, and the meeting as the kit will carry it.

Until the kit is issued every part may change (each change one audited transaction); after,
rubric, roster and agenda are frozen and a change is refused with :class:`SetupFrozenError`,
because every expert holds a signed copy of them and their sheets name that kit.

A secretary workspace is a folder: ``secretary.sqlite`` and ``packages/`` (the verified
packages, still encrypted).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from app.consolidation.errors import RuleError
from app.consolidation.rule import TOTAL, ConsolidationRule, check_rule_for_rubric
from app.crypto.identity import Identity, check_certificate_valid_at
from app.crypto.pki import trust_bytes
from app.crypto.profile import Role, certificate_role, common_name, fingerprint, organisation
from app.crypto.signer import require_signer
from app.domain.ids import ApplicationId, ExpertId
from app.domain.meeting import AgendaItem, Application, Expert, ExpertRole, Meeting
from app.domain.rubric import Rubric
from app.errors import AppError, NotFoundError, ValidationError
from app.formats.meeting_file import meeting_to_document, parse_meeting
from app.i18n import LocalizedText, Msg
from app.kit.trust import issuing_root
from app.ports import WorkspaceSealer
from app.secretary.errors import (
    RosterError,
    SetupFrozenError,
    SetupIncompleteError,
    WrongSecretaryError,
)
from app.secretary.model import (
    DEFAULT_QA_MINUTES,
    DEFAULT_REPORT_MINUTES,
    MeetingHeader,
    PackageStatus,
    RosterEntry,
    SecretarySetup,
)
from app.secretary.ports import SecretaryReader, SecretaryStore, SecretaryStores

WORKSPACE_FILE = "secretary.sqlite"
PACKAGES_DIR = "packages"
DEFAULT_TITLE = LocalizedText("Expert", "专家")


def workspace_file(folder: Path) -> Path:
    return Path(folder) / WORKSPACE_FILE


def packages_folder(ws: SecretaryReader) -> Path:
    return ws.path.parent / PACKAGES_DIR


# -- the workspace ----------------------------------------------------------------------------


def create_workspace(
    stores: SecretaryStores,
    folder: Path,
    header: MeetingHeader,
    rubric: Rubric,
    secretary: Identity,
    trust_roots: Sequence[x509.Certificate],
    *,
    actor: str,
    now: dt.datetime,
    rule: ConsolidationRule | None = None,
    anonymise_experts: bool = False,
    crls: Sequence[x509.CertificateRevocationList] = (),
) -> SecretaryStore:
    """Create ``folder/secretary.sqlite`` (and ``packages/``) for a new meeting in ``stores``.

    ``secretary`` must hold the secretary role, be valid at ``now`` and be issued by one of
    ``trust_roots`` (the roots experts' certificates must chain to, carried in the kit).
    Only the secretary's *certificate* is stored; the key stays in the identity file.
    ``crls`` are the revocation lists of the trust file (:func:`app.crypto.pki.load_trust_file`),
    stored with the roots and applied to every signature the workspace verifies
    (:mod:`app.secretary.trust`).
    """
    if not trust_roots:
        raise ValidationError(
            Msg.of("The meeting needs at least one trust root."),
            Msg.of("Give the certificate of the CA that issued the experts' identities."),
        )
    check_secretary_identity(secretary, trust_roots, now)
    chosen = rule if rule is not None else default_rule_for(rubric)
    _check_rule(chosen, rubric)
    roots_pem = trust_bytes(trust_roots, crls).decode("ascii")
    setup = SecretarySetup(
        header=header,
        rubric=rubric,
        rule=chosen,
        anonymise_experts=anonymise_experts,
        secretary_certificate_pem=secretary.certificate.public_bytes(Encoding.PEM).decode(),
        trust_roots_pem=roots_pem,
        sealed_meeting_key=None,
        meeting_key_recipient=None,
        kit=None,
        current_round=1,
    )
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / PACKAGES_DIR).mkdir(exist_ok=True)
    except OSError as exc:
        raise ValidationError(
            Msg.of("The folder {path} cannot be created ({error}).", path=str(folder), error=exc),
            Msg.of("Choose a folder you may write to."),
        ) from exc
    from app.secretary.unlock import unlock_workspace

    ws = stores.create_secretary_workspace(workspace_file(folder), setup, actor, now=now)
    try:
        unlock_workspace(ws, secretary, actor=actor, now=now)  # makes the workspace key
    except BaseException:
        ws.close()
        raise
    return ws


def open_workspace(
    stores: SecretaryStores, folder: Path, *, sealer: WorkspaceSealer | None = None
) -> SecretaryStore:
    """Open an existing secretary workspace (refuses anything else); with ``sealer`` (the
    key a session unlocked, :func:`app.secretary.unlock.unlock_workspace`) what the experts
    wrote reads too, without it only the rest."""
    ws = stores.open_secretary_workspace(workspace_file(Path(folder)))
    try:
        ws.setup()
        if sealer is not None:
            ws.unlock(sealer)
    except BaseException:
        ws.close()
        raise
    return ws


def open_unlocked(
    stores: SecretaryStores, folder: Path, identity: Identity, *, actor: str, now: dt.datetime
) -> SecretaryStore:
    """Open the workspace and unlock it with the secretary's ``identity``; refused (and
    closed again, nothing changed) for any other identity."""
    from app.secretary.unlock import unlock_workspace

    ws = open_workspace(stores, folder)
    try:
        unlock_workspace(ws, identity, actor=actor, now=now)
    except BaseException:
        ws.close()
        raise
    return ws


def check_secretary_identity(
    identity: Identity, trust_roots: Sequence[x509.Certificate], now: dt.datetime
) -> None:
    require_signer(
        identity,
        Role.SECRETARY,
        now,
        lambda message, rec, _detail: ValidationError(message, rec),
        wrong_role=Msg.of("This identity is not a meeting secretary's."),
        recommendation=Msg.of("Unlock the identity file issued to you with the secretary role."),
        wrap_expiry=False,
    )
    if issuing_root(identity.certificate, trust_roots) is None:
        raise ValidationError(
            Msg.of("The secretary's certificate is not issued by the meeting's trust roots."),
            Msg.of("Use the trust roots of the CA that issued your identity."),
        )


def require_secretary(ws: SecretaryReader, identity: Identity) -> SecretarySetup:
    """The setup, after checking ``identity`` is the secretary the workspace was made for."""
    setup = ws.setup()
    expected = fingerprint(setup.secretary_certificate())
    if identity.fingerprint != expected:
        raise WrongSecretaryError(identity.fingerprint, expected)
    return setup


def default_rule_for(rubric: Rubric) -> ConsolidationRule:
    """The default rule, with a tie-break the rubric can satisfy (total, then its factors)."""
    rule = ConsolidationRule()
    try:
        check_rule_for_rubric(rule, rubric)
    except RuleError:
        keys = tuple(rubric.factor_keys())
        rule = dataclasses.replace(rule, tie_break=(TOTAL, *keys[:1], *keys[-1:]))
    return rule


def _check_rule(rule: ConsolidationRule, rubric: Rubric) -> None:
    check_rule_for_rubric(rule, rubric)


def _require_open(setup: SecretarySetup, what: Msg) -> None:
    if setup.kit is not None:
        raise SetupFrozenError(what, setup.kit.kit_hash)


def set_rubric(
    ws: SecretaryStore, rubric: Rubric, *, actor: str, now: dt.datetime
) -> SecretarySetup:
    """Choose the rubric; refused once the kit is issued (the experts score with it)."""
    setup = ws.setup()
    _require_open(setup, Msg.of("rubric"))
    rule = setup.rule
    try:
        check_rule_for_rubric(rule, rubric)
    except RuleError:
        rule = default_rule_for(rubric)
    changed = dataclasses.replace(setup, rubric=rubric, rule=rule)
    with ws.transaction(actor, now):
        ws.save_setup(changed, "setup.rubric")
    return changed


def set_rule(
    ws: SecretaryStore, rule: ConsolidationRule, *, actor: str, now: dt.datetime
) -> SecretarySetup:
    """Choose the consolidation rule (stored as its document; recorded in the results)."""
    setup = ws.setup()
    _check_rule(rule, setup.rubric)
    changed = dataclasses.replace(setup, rule=rule)
    with ws.transaction(actor, now):
        ws.save_setup(changed, "setup.rule")
    return changed


def set_anonymise_experts(
    ws: SecretaryStore, anonymise: bool, *, actor: str, now: dt.datetime
) -> SecretarySetup:
    """Whether the report names experts ("Expert 1", ...) instead of by name."""
    changed = dataclasses.replace(ws.setup(), anonymise_experts=anonymise)
    with ws.transaction(actor, now):
        ws.save_setup(changed, "setup.anonymise")
    return changed


def set_header(
    ws: SecretaryStore, header: MeetingHeader, *, actor: str, now: dt.datetime
) -> SecretarySetup:
    """Title, date, venue; the meeting id is fixed at creation (it names every file)."""
    setup = ws.setup()
    _require_open(setup, Msg.of("meeting title, date and venue"))
    if header.meeting_id != setup.header.meeting_id:
        raise ValidationError(
            Msg.of("The meeting id cannot be changed."),
            Msg.of("Create a new workspace for another meeting."),
        )
    changed = dataclasses.replace(setup, header=header)
    with ws.transaction(actor, now):
        ws.save_setup(changed, "setup.header")
    return changed


# -- roster -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateInfo:
    """What a certificate file says, shown before the person is put on the roster."""

    common_name: str
    organisation: str
    fingerprint: str
    role: Role | None
    not_after: dt.datetime
    pem: str


def read_certificate(data: bytes) -> CertificateInfo:
    """Read a PEM or DER certificate; :class:`RosterError` if it is not one."""
    try:
        cert = (
            x509.load_pem_x509_certificate(data)
            if data.lstrip().startswith(b"-----")
            else x509.load_der_x509_certificate(data)
        )
    except ValueError:
        raise RosterError(Msg.of("the file is not a certificate.")) from None
    return CertificateInfo(
        common_name=common_name(cert),
        organisation=organisation(cert),
        fingerprint=fingerprint(cert),
        role=certificate_role(cert),
        not_after=cert.not_valid_after_utc,
        pem=cert.public_bytes(Encoding.PEM).decode("ascii"),
    )


def add_expert(
    ws: SecretaryStore,
    certificate: bytes,
    role: ExpertRole,
    *,
    actor: str,
    now: dt.datetime,
    chair: bool = False,
    expert_id: str | None = None,
    name: LocalizedText | None = None,
    organisation_name: LocalizedText | None = None,
    title: LocalizedText | None = None,
) -> RosterEntry:
    """Put the holder of ``certificate`` on the roster as an overall or domain expert.

    The certificate must carry the *expert* role, be valid at ``now`` and be issued by one
    of the meeting's trust roots; the roster records its fingerprint (read from it, never
    typed). Name and organisation default to the certificate's; ``chair`` makes this expert
    the panel chair (the previous chair, if any, no longer is).
    """
    setup = ws.setup()
    _require_open(setup, Msg.of("roster"))
    info = read_certificate(certificate)
    cert = x509.load_pem_x509_certificate(info.pem.encode("ascii"))
    if info.role is not Role.EXPERT:
        raise RosterError(Msg.of("it does not carry the expert role."))
    if issuing_root(cert, setup.trust_roots()) is None:
        raise RosterError(Msg.of("it is not issued by the meeting's trust roots."))
    try:
        check_certificate_valid_at(cert, now)
    except AppError as exc:
        raise RosterError(Msg.of("it is not valid now.")) from exc
    roster = ws.roster()
    if any(r.fingerprint == info.fingerprint for r in roster):
        raise RosterError(
            Msg.of(
                "{name} ({fingerprint}) is already on the roster.",
                name=info.common_name,
                fingerprint=info.fingerprint,
            )
        )
    new_id = ExpertId(expert_id or _next_expert_id(roster))
    if any(r.expert.id == new_id for r in roster):
        raise RosterError(Msg.of("the id {id} is already used.", id=new_id))
    entry = RosterEntry(
        Expert(
            id=new_id,
            name=name or LocalizedText(info.common_name, info.common_name),
            role=role,
            organisation=organisation_name
            or LocalizedText(info.organisation or "—", info.organisation or "—"),
            title=title or DEFAULT_TITLE,
            is_chair=chair,
            fingerprint=info.fingerprint,
        ),
        info.pem,
    )
    updated = (*tuple(_unchair(r) if chair else r for r in roster), entry)
    with ws.transaction(actor, now):
        ws.save_roster(updated, "roster.add")
    return entry


def update_expert(
    ws: SecretaryStore,
    expert_id: str,
    *,
    actor: str,
    now: dt.datetime,
    role: ExpertRole | None = None,
    name: LocalizedText | None = None,
    organisation_name: LocalizedText | None = None,
    title: LocalizedText | None = None,
) -> RosterEntry:
    """Change a rostered expert's role or displayed texts (never the certificate)."""
    setup = ws.setup()
    _require_open(setup, Msg.of("roster"))
    roster = ws.roster()
    current = _entry(roster, expert_id)
    e = current.expert
    changed = dataclasses.replace(
        current,
        expert=dataclasses.replace(
            e,
            role=role or e.role,
            name=name or e.name,
            organisation=organisation_name or e.organisation,
            title=title or e.title,
        ),
    )
    with ws.transaction(actor, now):
        ws.save_roster(
            tuple(changed if r.expert.id == expert_id else r for r in roster), "roster.update"
        )
    return changed


def set_chair(ws: SecretaryStore, expert_id: str, *, actor: str, now: dt.datetime) -> RosterEntry:
    """Make ``expert_id`` the panel chair (exactly one chair)."""
    setup = ws.setup()
    _require_open(setup, Msg.of("roster"))
    roster = ws.roster()
    _entry(roster, expert_id)
    updated = tuple(
        dataclasses.replace(r, expert=dataclasses.replace(r.expert, is_chair=True))
        if r.expert.id == expert_id
        else _unchair(r)
        for r in roster
    )
    with ws.transaction(actor, now):
        ws.save_roster(updated, "roster.chair")
    return _entry(updated, expert_id)


def remove_expert(ws: SecretaryStore, expert_id: str, *, actor: str, now: dt.datetime) -> None:
    setup = ws.setup()
    _require_open(setup, Msg.of("roster"))
    roster = ws.roster()
    _entry(roster, expert_id)
    with ws.transaction(actor, now):
        ws.save_roster(tuple(r for r in roster if r.expert.id != expert_id), "roster.remove")


def _entry(roster: tuple[RosterEntry, ...], expert_id: str) -> RosterEntry:
    for r in roster:
        if r.expert.id == expert_id:
            return r
    raise NotFoundError(
        Msg.of("There is no expert {id} on the roster.", id=expert_id),
        Msg.of("Choose an expert from the roster."),
    )


def _unchair(r: RosterEntry) -> RosterEntry:
    if not r.expert.is_chair:
        return r
    return dataclasses.replace(r, expert=dataclasses.replace(r.expert, is_chair=False))


def _next_expert_id(roster: tuple[RosterEntry, ...]) -> str:
    used = {r.expert.id for r in roster}
    n = len(roster) + 1
    while f"e{n:02d}" in used:
        n += 1
    return f"e{n:02d}"


# -- agenda -----------------------------------------------------------------------------------


def verified_applications(ws: SecretaryReader) -> tuple[Application, ...]:
    return tuple(
        p.application
        for p in ws.packages()
        if p.status is PackageStatus.VERIFIED and p.application is not None
    )


def set_agenda(
    ws: SecretaryStore,
    items: Sequence[AgendaItem],
    *,
    actor: str,
    now: dt.datetime,
) -> tuple[AgendaItem, ...]:
    """Replace the hearing order: one item per verified application, positions 1..n,
    report 1-240 minutes, Q&A 0-240 minutes."""
    setup = ws.setup()
    _require_open(setup, Msg.of("agenda"))
    wanted = {a.id for a in verified_applications(ws)}
    given = [i.application_id for i in items]
    problem: Msg | None = None
    if len(set(given)) != len(given):
        problem = Msg.of("an application is listed twice.")
    elif set(given) != wanted:
        missing = sorted(wanted - set(given)) or sorted(set(given) - wanted)
        problem = Msg.of(
            "the agenda must list exactly the imported applications ({id} differs).",
            id=missing[0],
        )
    elif sorted(i.position for i in items) != list(range(1, len(items) + 1)):
        problem = Msg.of("the positions must be 1 to {count}.", count=len(items))
    elif any(not 1 <= i.report_minutes <= 240 or not 0 <= i.qa_minutes <= 240 for i in items):
        problem = Msg.of("report time must be 1-240 minutes and Q&A time 0-240 minutes.")
    if problem is not None:
        raise ValidationError(
            Msg.of("The agenda cannot be saved: {problem}", problem=problem),
            Msg.of("Correct the hearing order and try again."),
        )
    ordered = tuple(sorted(items, key=lambda i: i.position))
    with ws.transaction(actor, now):
        ws.save_agenda(ordered, "agenda.set")
    return ordered


def set_hearing_order(
    ws: SecretaryStore,
    application_ids: Sequence[str],
    *,
    actor: str,
    now: dt.datetime,
    report_minutes: int | None = None,
    qa_minutes: int | None = None,
) -> tuple[AgendaItem, ...]:
    """Convenience over :func:`set_agenda`: order by ids, keep (or set) the minutes."""
    current = {i.application_id: i for i in ws.agenda()}
    items = []
    for position, app_id in enumerate(application_ids, start=1):
        old = current.get(ApplicationId(app_id))
        items.append(
            AgendaItem(
                ApplicationId(app_id),
                position,
                report_minutes or (old.report_minutes if old else DEFAULT_REPORT_MINUTES),
                qa_minutes
                if qa_minutes is not None
                else (old.qa_minutes if old else DEFAULT_QA_MINUTES),
                old.starts_at if old else None,
            )
        )
    return set_agenda(ws, items, actor=actor, now=now)


# -- the meeting --------------------------------------------------------------------------


def draft_meeting(ws: SecretaryReader) -> Meeting:
    """The meeting as configured now (possibly incomplete; see :func:`ready_meeting`)."""
    setup = ws.setup()
    h = setup.header
    return Meeting(
        id=h.meeting_id,
        title=h.title,
        date=h.date,
        venue=h.venue,
        rubric_id=setup.rubric.id,
        experts=tuple(r.expert for r in ws.roster()),
        applications=verified_applications(ws),
        agenda=ws.agenda(),
        is_demo=h.is_demo,
    )


def current_meeting(ws: SecretaryReader) -> Meeting:
    """The issued meeting once the kit exists, else the draft."""
    setup = ws.setup()
    if setup.kit is not None:
        return ws.meeting(setup.header.meeting_id)
    return draft_meeting(ws)


def ready_meeting(ws: SecretaryReader) -> Meeting:
    """The draft meeting, checked against every rule of meeting-v1 and of the kit: experts
    with fingerprints, exactly one chair, at least one verified package, a full agenda."""
    meeting = draft_meeting(ws)
    if not meeting.experts:
        raise SetupIncompleteError(
            Msg.of("The roster is empty."), Msg.of("Add the experts from their certificates.")
        )
    if meeting.chair is None:
        raise SetupIncompleteError(
            Msg.of("No expert is the panel chair."), Msg.of("Choose the chair on the roster.")
        )
    if not meeting.applications:
        raise SetupIncompleteError(
            Msg.of("No application package has been imported and verified."),
            Msg.of("Import the packages the issuing office sent."),
        )
    on_agenda = {i.application_id for i in meeting.agenda}
    missing = [a.id for a in meeting.applications if a.id not in on_agenda]
    if missing or len(meeting.agenda) != len(meeting.applications):
        raise SetupIncompleteError(
            Msg.of(
                "The agenda does not list every application ({id}).",
                id=(missing or [ApplicationId("—")])[0],
            ),
            Msg.of("Set the hearing order of all applications."),
        )
    # The meeting file reader is the authority on what a kit may carry.
    return parse_meeting(meeting_to_document(meeting))
