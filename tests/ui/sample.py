"""A small bilingual meeting and rubric built straight from the domain dataclasses.

Kept apart from ``conftest.py`` so ``installers/screenshots.py`` can fall back to it while the
real demo data (``app.demo.meeting``) is not there.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from app.domain.ids import ApplicationId, CriterionKey, ExpertId, FactorKey, MeetingId
from app.domain.meeting import AgendaItem, Application, Expert, ExpertRole, Meeting
from app.domain.rubric import BasicCriterion, Factor, GradeBand, Rubric
from app.i18n import LocalizedText as T


def sample_meeting(*, is_demo: bool = True) -> Meeting:
    experts = (
        Expert(
            ExpertId("e-wang"),
            T("Wang Lihua", "王丽华"),
            ExpertRole.OVERALL,
            T("Chinese Academy of Sciences", "中国科学院"),
            T("Research Professor", "研究员"),
            is_chair=True,
            fingerprint="3F2A 91C0 77D4 0B1E",
        ),
        Expert(
            ExpertId("e-zhao"),
            T("Zhao Ming", "赵明"),
            ExpertRole.DOMAIN,
            T("Tsinghua University", "清华大学"),
            T("Professor", "教授"),
        ),
        Expert(
            ExpertId("e-chen"),
            T("Chen Jing", "陈静"),
            ExpertRole.DOMAIN,
            T("China Academy of Information and Communications Technology", "中国信息通信研究院"),
            T("Senior Engineer", "高级工程师"),
        ),
    )
    applications = (
        Application(
            ApplicationId("a-grid"),
            T("State Grid Smart Energy Research Institute", "国网智能电网研究院"),
            T("Smart Grid Dispatch Innovation Platform", "智能电网调度创新平台"),
            T("Grid dispatch and control", "电网调度与控制"),
            ("grid", "dispatch"),
            (),
        ),
        Application(
            ApplicationId("a-bio"),
            T("Shanghai Institute of Materia Medica", "上海药物研究所"),
            T("Biomedicine Translation Platform", "生物医药转化平台"),
            T("Drug discovery", "新药发现"),
            ("drug",),
            (),
        ),
        Application(
            ApplicationId("a-ai"),
            T("Zhongguancun AI Industry Alliance", "中关村人工智能产业联盟"),
            T("Open AI Computing Platform", "开放人工智能算力平台"),
            T("AI computing infrastructure", "人工智能算力基础设施"),
            ("ai", "computing"),
            (),
        ),
    )
    nine = dt.datetime(2025, 3, 12, 9, 0)
    agenda = (
        # Deliberately not in hearing order in the tuple: the window must sort.
        AgendaItem(ApplicationId("a-ai"), 3, 15, 10, nine + dt.timedelta(minutes=50)),
        AgendaItem(ApplicationId("a-grid"), 1, 15, 10, nine),
        AgendaItem(ApplicationId("a-bio"), 2, 15, 10, nine + dt.timedelta(minutes=25)),
    )
    return Meeting(
        MeetingId("m-2025-03"),
        T("Expert review of national innovation platforms, 2025", "2025年国家创新平台专家评审会"),
        dt.date(2025, 3, 12),
        T("Conference Room 3, Ministry Building", "部机关三号会议室"),
        "sample",
        experts,
        applications,
        agenda,
        is_demo=is_demo,
    )


def sample_rubric() -> Rubric:
    bands = (
        GradeBand("excellent", T("Excellent", "优秀"), Decimal("0.9")),
        GradeBand("good", T("Good", "良好"), Decimal("0.75")),
        GradeBand("fair", T("Fair", "一般"), Decimal("0.6")),
        GradeBand("poor", T("Poor", "较差"), Decimal("0")),
    )

    def factor(key: str, name: T, descriptor: str, zh: str, questions: tuple[T, ...]) -> Factor:
        return Factor(
            FactorKey(key),
            name,
            Decimal(50),
            Decimal(50),
            Decimal("0.5"),
            tuple((b.key, T(f"{b.name.en}: {descriptor}", f"{b.name.zh_CN}：{zh}")) for b in bands),
            questions,
        )

    return Rubric(
        "sample",
        1,
        T("Sample rubric", "示例评分细则"),
        (
            factor(
                "capability",
                T("Capability", "建设能力"),
                "technological strength and service capacity",
                "技术实力与服务能力",
                (T("Is the committed funding secured?", "承诺的经费是否落实？"),),
            ),
            factor(
                "plan",
                T("Construction plan", "建设方案"),
                "clear goals and a credible plan",
                "目标明确、方案可行",
                (T("Are the milestones measurable?", "里程碑是否可衡量？"),),
            ),
        ),
        bands,
        (
            BasicCriterion(
                CriterionKey("legal"),
                T(
                    "The applicant is a legal entity registered in China",
                    "申报单位为在中国境内注册的法人",
                ),
                T("Check the registration certificate.", "核对登记证书。"),
            ),
        ),
    )
