"""Round notices (``docs/formats/round-notice-v1.md``): the secretary's signed word that a
later scoring round is open for some applications.

Public API: :func:`write_round_notice` (secretary side), :func:`read_round_notice` (expert
side, against :class:`NoticeExpectations`), the values :class:`RoundNotice`,
:class:`VerifiedRoundNotice`, :class:`WrittenRoundNotice`, and the error classes of
:mod:`app.round_notice.errors`.
"""

from app.round_notice.codec import decode_notice, encode_notice
from app.round_notice.errors import (
    RoundNoticeContainerError,
    RoundNoticeContentError,
    RoundNoticeContextError,
    RoundNoticeError,
    RoundNoticeFormatError,
    RoundNoticeSignatureError,
    RoundNoticeSigningError,
    RoundNoticeStaleError,
    RoundNoticeVersionError,
    RoundNoticeWriteError,
)
from app.round_notice.model import HeldRoundNotice, RoundNotice
from app.round_notice.notice import (
    EXTENSION,
    NoticeExpectations,
    VerifiedRoundNotice,
    WrittenRoundNotice,
    container_bytes,
    notice_file_name,
    read_round_notice,
    sign_round_notice,
    write_round_notice,
)

__all__ = [
    "EXTENSION",
    "HeldRoundNotice",
    "NoticeExpectations",
    "RoundNotice",
    "RoundNoticeContainerError",
    "RoundNoticeContentError",
    "RoundNoticeContextError",
    "RoundNoticeError",
    "RoundNoticeFormatError",
    "RoundNoticeSignatureError",
    "RoundNoticeSigningError",
    "RoundNoticeStaleError",
    "RoundNoticeVersionError",
    "RoundNoticeWriteError",
    "VerifiedRoundNotice",
    "WrittenRoundNotice",
    "container_bytes",
    "decode_notice",
    "encode_notice",
    "notice_file_name",
    "read_round_notice",
    "sign_round_notice",
    "write_round_notice",
]
