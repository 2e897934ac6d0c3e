"""The panel's comprehensive opinion per application, and the chair's approval of it.

The secretary writes the opinion with the consolidated figures and every expert's comments
side by side (:func:`opinion_workbench`). The chair approves it by signing (detached CMS,
their expert identity) the canonical ``review-desk/panel-opinion`` document, which names the
meeting, kit, application, round, the texts and the chair: so the approval covers exactly
this text. Editing an approved opinion removes the approval; it must be approved again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from cryptography import x509

from app.consolidation import ApplicationResult, MeetingResult
from app.crypto import cms
from app.crypto.cms import SignerInfo
from app.crypto.identity import Identity
from app.crypto.profile import Role, normalize_fingerprint
from app.crypto.signer import require_signer
from app.domain.ids import ApplicationId, ExpertId, FactorKey
from app.domain.meeting import Application, Expert
from app.domain.sheet import PanelOpinion, Recommendation
from app.errors import NotFoundError, ValidationError
from app.i18n import Msg
from app.results.opinions import panel_opinion_bytes
from app.secretary.errors import SetupIncompleteError
from app.secretary.model import OpinionApproval, PanelOpinionView, SecretarySetup
from app.secretary.ports import SecretaryReader, SecretaryStore
from app.secretary.rounds import consolidate_round
from app.sheets import SignedDocument

TEXT_LIMIT: Final = 20_000


@dataclass(frozen=True)
class ExpertComments:
    """One expert's submitted sheet, as the opinion writer needs it."""

    expert: Expert
    version: int
    recommendation: Recommendation | None
    opinion: str
    conditions: str
    factors: tuple[tuple[FactorKey, Decimal | None, str], ...]
    """(factor, score, comment) in rubric order."""


@dataclass(frozen=True)
class OpinionWorkbench:
    application: Application
    round: int
    result: ApplicationResult | None
    comments: tuple[ExpertComments, ...]
    opinion: PanelOpinionView | None


def opinion_workbench(
    ws: SecretaryStore,
    application_id: str,
    round: int | None = None,
    *,
    result: MeetingResult | None = None,
) -> OpinionWorkbench:
    """Figures, every expert's comments and the current opinion of one application.
    Pass ``result`` to reuse a consolidation already computed."""
    setup = _issued(ws)
    number = setup.current_round if round is None else round
    meeting = ws.meeting(setup.header.meeting_id)
    application = _application(meeting.applications, application_id)
    computed = result if result is not None else consolidate_round(ws, number)
    app_result = next(
        (a for a in computed.applications if a.application_id == application_id), None
    )
    keys = setup.rubric.factor_keys()
    comments = []
    for stored in ws.signed_sheets(round=number, application_id=application_id, current_only=True):
        s = stored.sheet
        by_key = {f.factor: f for f in s.scores}
        comments.append(
            ExpertComments(
                expert=meeting.expert(s.expert_id),
                version=s.version,
                recommendation=s.recommendation,
                opinion=s.opinion,
                conditions=s.conditions,
                factors=tuple(
                    (
                        FactorKey(k),
                        by_key[FactorKey(k)].score if FactorKey(k) in by_key else None,
                        by_key[FactorKey(k)].comment if FactorKey(k) in by_key else "",
                    )
                    for k in keys
                ),
            )
        )
    return OpinionWorkbench(
        application, number, app_result, tuple(comments), panel_opinion(ws, application_id, number)
    )


def panel_opinion(
    ws: SecretaryReader, application_id: str, round: int | None = None
) -> PanelOpinionView | None:
    setup = ws.setup()
    number = setup.current_round if round is None else round
    found = ws.panel_opinion(setup.header.meeting_id, ApplicationId(application_id), number)
    if found is None:
        return None
    return PanelOpinionView(found, ws.approval(application_id, number))


def panel_opinions(ws: SecretaryReader) -> tuple[PanelOpinionView, ...]:
    """Every stored opinion, by round then application id."""
    setup = ws.setup()
    approvals = ws.approvals()
    views = []
    for app_id, number in ws.opinion_keys():
        found = ws.panel_opinion(setup.header.meeting_id, ApplicationId(app_id), number)
        if found is not None:
            views.append(PanelOpinionView(found, approvals.get((app_id, number))))
    return tuple(views)


def save_panel_opinion(
    ws: SecretaryStore,
    application_id: str,
    opinion: str,
    recommendation: Recommendation,
    *,
    actor: str,
    now: dt.datetime,
    minority_opinion: str = "",
    round: int | None = None,
) -> PanelOpinionView:
    """Write (or rewrite) the opinion. A changed text loses the chair's approval; saving
    the same text again changes nothing."""
    setup = _issued(ws)
    number = setup.current_round if round is None else round
    meeting = ws.meeting(setup.header.meeting_id)
    _application(meeting.applications, application_id)
    text, minority = opinion.strip(), minority_opinion.strip()
    if not text:
        raise ValidationError(
            Msg.of("The panel opinion is empty."),
            Msg.of("Write the panel's comprehensive opinion first."),
        )
    if len(text) > TEXT_LIMIT or len(minority) > TEXT_LIMIT:
        raise ValidationError(
            Msg.of("An opinion may have at most {limit} characters.", limit=TEXT_LIMIT),
            Msg.of("Shorten the text."),
        )
    current = panel_opinion(ws, application_id, number)
    if current is not None and same_text(current, text, recommendation, minority):
        return current
    new = PanelOpinion(
        meeting_id=meeting.id,
        application_id=ApplicationId(application_id),
        round=number,
        opinion=text,
        recommendation=recommendation,
        minority_opinion=minority,
        approved_by=None,
        approved_at=None,
    )
    with ws.transaction(actor, now):
        ws.save_approval(new, None)
    return PanelOpinionView(new, None)


def same_text(
    view: PanelOpinionView, opinion: str, recommendation: Recommendation, minority_opinion: str = ""
) -> bool:
    """Whether saving these texts would leave the stored opinion as it is (saving trims them)."""
    stored = view.opinion
    return (stored.opinion, stored.recommendation, stored.minority_opinion) == (
        opinion.strip(),
        recommendation,
        minority_opinion.strip(),
    )


def save_revokes_approval(
    view: PanelOpinionView | None,
    opinion: str,
    recommendation: Recommendation,
    minority_opinion: str = "",
) -> bool:
    """Whether saving these texts would remove the chair's approval of ``view``: it is
    approved and the texts differ from the approved ones."""
    return (
        view is not None
        and view.approved
        and not same_text(view, opinion, recommendation, minority_opinion)
    )


def revoke_warning(view: PanelOpinionView, chair: Expert | None) -> Msg:
    """What the secretary reads before saving changes to an approved opinion."""
    assert view.approval is not None
    return Msg.of(
        "The chair {chair} approved this opinion on {date}. Saving your changes removes "
        "that approval: the chair must approve the new text again before the results can "
        "be published.\n\nSave the changes and remove the approval?",
        chair=chair.name if chair is not None else view.approval.chair_id,
        date=view.approval.approved_at.astimezone().strftime("%Y-%m-%d %H:%M"),
    )


def approval_state(
    view: PanelOpinionView | None, round: int, chair: Expert | None, *, edited: bool = False
) -> Msg:
    """One line on the opinion's state: none saved, saved and waiting for the chair, or
    approved (by whom and when); ``edited`` says the texts on screen differ from the stored
    ones, and what saving them does to an approval."""
    if view is None:
        return Msg.of("Round {round}: no panel opinion saved yet.", round=round)
    if view.approval is None:
        if edited:
            return Msg.of(
                "Round {round}: saved, waiting for the chair's approval; your changes are "
                "not saved yet.",
                round=round,
            )
        return Msg.of("Round {round}: saved, waiting for the chair's approval.", round=round)
    who = chair.name if chair is not None else view.approval.chair_id
    date = view.approval.approved_at.astimezone().strftime("%Y-%m-%d %H:%M")
    if edited:
        return Msg.of(
            "Round {round}: approved by the chair {chair} on {date}. You have changed the "
            "text: saving it removes the approval.",
            round=round,
            chair=who,
            date=date,
        )
    return Msg.of(
        "Round {round}: approved by the chair {chair} on {date}.",
        round=round,
        chair=who,
        date=date,
    )


def approve_panel_opinion(
    ws: SecretaryStore,
    chair: Identity,
    application_id: str,
    *,
    actor: str,
    now: dt.datetime,
    round: int | None = None,
) -> PanelOpinionView:
    """The chair signs the opinion as it stands. ``chair`` must be an expert identity,
    valid at ``now``, whose fingerprint is the roster's for the panel chair."""
    setup = _issued(ws)
    number = setup.current_round if round is None else round
    meeting = ws.meeting(setup.header.meeting_id)
    head = meeting.chair
    assert head is not None  # the kit requires a chair
    not_the_chair = Msg.of(
        "Only the panel chair {name} ({fingerprint}) can approve the opinion; this "
        "identity is {found}.",
        name=head.name,
        fingerprint=head.fingerprint,
        found=chair.fingerprint,
    )
    require_signer(
        chair,
        Role.EXPERT,
        now,
        lambda message, rec, _detail: ValidationError(message, rec),
        wrong_role=not_the_chair,
        recommendation=Msg.of("Ask the chair to unlock their own identity."),
        expected_fingerprint=head.fingerprint or "",
        not_expected=not_the_chair,
        wrap_expiry=False,
    )
    current = panel_opinion(ws, application_id, number)
    if current is None:
        raise NotFoundError(
            Msg.of("There is no panel opinion for {application} yet.", application=application_id),
            Msg.of("Write the opinion, then ask the chair to approve it."),
        )
    assert setup.kit is not None
    approved = dataclasses.replace(current.opinion, approved_by=head.id, approved_at=now)
    document = panel_opinion_document(approved, setup.kit.kit_hash, head)
    signed = SignedDocument(document, cms.sign_detached(document, chair))
    approval = OpinionApproval(signed, ExpertId(head.id), chair.fingerprint, now)
    with ws.transaction(actor, now):
        ws.save_approval(approved, approval)
    return PanelOpinionView(approved, approval)


panel_opinion_document = panel_opinion_bytes
"""The canonical bytes the chair signs (format ``review-desk/panel-opinion`` v1); the one
encoder is :func:`app.results.opinions.panel_opinion_bytes`, which the bundle reader checks."""


def verify_approval(
    view: PanelOpinionView,
    kit_hash: str,
    chair: Expert,
    trust_roots: list[x509.Certificate],
    at: dt.datetime,
) -> SignerInfo:
    """Check an approval: the signature (expert role, own roots), the chair's fingerprint,
    and that it covers exactly the stored opinion."""
    if view.approval is None:
        raise ValidationError(
            Msg.of("This panel opinion has not been approved by the chair."),
            Msg.of("Ask the chair to approve it."),
        )
    signer = cms.verify_detached(
        view.approval.signed.document,
        view.approval.signed.signature,
        trust_roots,
        roles={Role.EXPERT},
        at=at,
    )
    expected = panel_opinion_document(view.opinion, kit_hash, chair)
    if signer.fingerprint != normalize_fingerprint(chair.fingerprint) or (
        expected != view.approval.signed.document
    ):
        raise ValidationError(
            Msg.of("The chair's approval does not match the stored panel opinion."),
            Msg.of("Ask the chair to approve the opinion again."),
        )
    return signer


def _issued(ws: SecretaryReader) -> SecretarySetup:
    setup = ws.setup()
    if setup.kit is None:
        raise SetupIncompleteError(
            Msg.of("Panel opinions are written after the kit is issued and sheets collected."),
            Msg.of("Issue the meeting kit first."),
        )
    return setup


def _application(applications: tuple[Application, ...], application_id: str) -> Application:
    for a in applications:
        if a.id == application_id:
            return a
    raise NotFoundError(
        Msg.of("There is no application {id} in this meeting.", id=application_id),
        Msg.of("Choose an application of the meeting."),
    )
