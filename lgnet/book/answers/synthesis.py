"""Answers to the exercises of chapter 5 (efficiency and legitimacy): discussion answers for teachers."""

from __future__ import annotations


def exercise_1(run) -> str:
    """Answer to the exercise on the strongest efficiency explanation."""
    return (
        "Efficiency account: partners are chosen for low transaction costs. Neighbours in the same county and "
        "region share infrastructure, labour markets and existing working relations, so proximity and shared "
        "administrative geography lower the cost of running a joint service; councils of the same type provide "
        "the same services. Evidence that would separate it from legitimacy: measured savings (do partnerships "
        "with larger expected savings form first?), whether partnerships end when savings fail to appear, and "
        "whether councils choose partners with complementary rather than similar resources. Legitimacy predicts "
        "adoption that spreads by imitation whatever the savings, and partner choice by familiarity."
    )


def exercise_2(run) -> str:
    """Answer to the exercise on isomorphism."""
    return (
        "Mostly **mimetic** and **coercive**: after 2010 central government promoted shared services (financial "
        "pressure and ministerial encouragement, close to coercion), while councils facing uncertainty copied "
        "visible pioneers. Normative isomorphism (professional networks of finance and ICT officers spreading "
        "a 'good practice') also plays a part. To tell them apart: the timing of adoption against grant cuts "
        "(coercive), adoption following neighbours or peers that adopted earlier (mimetic), and adoption "
        "concentrated in functions with strong professional bodies (normative)."
    )


def exercise_3(run) -> str:
    """Answer to the exercise on a predictable propensity."""
    return (
        "The sentences that rest on the propensity result: that collaboration had become a default choice "
        "unrelated to need, and that legitimacy rather than efficiency drove *whether* councils shared. If "
        "financial pressure predicted propensity, the conclusion would become: efficiency drives whether "
        "councils share, while legitimacy (familiar partners in the same region and county) shapes *with whom*."
    )
