"""Result bundles (``docs/formats/bundle-v1.md``): the secretary builds, the ministry verifies.

Public API:

* :class:`BundleInput` -> :func:`build_bundle` -> :class:`BundleSummary`;
  :func:`missing_pairs` lists the pairs that still need a sheet, recusal or absence;
* :func:`verify_bundle` -> :class:`VerifiedBundle` (raises one error class per stage);
  :func:`inspect_bundle` -> :class:`BundleInspection` (every stage's outcome, for display);
* :class:`BundleDocumentChecks` (implemented by ``export.bundle_checks``): the report and
  workbook stages, injected by the composition roots;
* :func:`sign_panel_opinion` / :func:`panel_opinion_bytes`: the chair's approval;
* errors in :mod:`app.results.errors`.
"""

from app.results.builder import build_bundle, bundle_results, missing_pairs
from app.results.checks import Gap
from app.results.documents import BundleDocumentChecks, ReportRendering, report_fields
from app.results.errors import (
    BundleBuildError,
    BundleCompletenessError,
    BundleContainerError,
    BundleError,
    BundleManifestError,
    BundleMemberError,
    BundleRecomputeError,
    BundleReportContentError,
    BundleReportSignatureError,
    BundleResultsError,
    BundleSheetError,
    BundleSignatureError,
    BundleVersionError,
    BundleWorkbookError,
)
from app.results.manifest import EXTENSION, Manifest, MemberKind
from app.results.model import BundleInput, BundleSummary, VerifiedBundle, VerifiedDocument
from app.results.opinions import OpinionInput, panel_opinion_bytes, sign_panel_opinion
from app.results.reader import (
    BundleInspection,
    Stage,
    StageOutcome,
    inspect_bundle,
    verify_bundle,
)
from app.results.results_file import Absence, OpinionEntry

__all__ = [
    "EXTENSION",
    "Absence",
    "BundleBuildError",
    "BundleCompletenessError",
    "BundleContainerError",
    "BundleDocumentChecks",
    "BundleError",
    "BundleInput",
    "BundleInspection",
    "BundleManifestError",
    "BundleMemberError",
    "BundleRecomputeError",
    "BundleReportContentError",
    "BundleReportSignatureError",
    "BundleResultsError",
    "BundleSheetError",
    "BundleSignatureError",
    "BundleSummary",
    "BundleVersionError",
    "BundleWorkbookError",
    "Gap",
    "Manifest",
    "MemberKind",
    "OpinionEntry",
    "OpinionInput",
    "ReportRendering",
    "Stage",
    "StageOutcome",
    "VerifiedBundle",
    "VerifiedDocument",
    "build_bundle",
    "bundle_results",
    "inspect_bundle",
    "missing_pairs",
    "panel_opinion_bytes",
    "report_fields",
    "sign_panel_opinion",
    "verify_bundle",
]
