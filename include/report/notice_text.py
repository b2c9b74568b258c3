"""What a notice letter to a candidate says, as message ids of the report's catalogue (the zh_CN ``.po``
has each); ``include.notices.letters`` renders them with ``templates/notice.html.j2``. The rights are
summaries per jurisdiction family (``include.notices.letters.rights_family``), never legal advice.
"""

from __future__ import annotations

from include.report.i18n import N_

TITLES: dict[str, str] = {
    "proceed": N_("The result of our checks: we proceed with your application"),
    "pre_adverse": N_("Before we decide: notice of possible adverse action"),
    "final_adverse": N_("Final notice: we do not proceed with your application"),
    "withdrawn": N_("Your application is withdrawn"),
}
OPENINGS: dict[str, str] = {
    "proceed": N_("We have finished checking the information in your application, and we proceed with it."),
    "pre_adverse": N_("We checked the information in your application and found the points below. Based on "
                      "them, we are considering not proceeding with your application. Nothing is decided yet: "
                      "please tell us if anything is wrong or missing."),
    "final_adverse": N_("After the waiting period that followed our earlier notice, we have decided not to "
                        "proceed with your application, for the reason and the findings below."),
    "withdrawn": N_("Your application is withdrawn; we will not process it further."),
}
DECISION_LABELS: dict[str, str] = {
    "proceed": N_("Proceed"),
    "pre_adverse": N_("Pre-adverse notice"),
    "final_adverse": N_("Final adverse notice"),
    "withdrawn": N_("Withdrawn"),
}
RIGHTS: dict[str, list[str]] = {
    "US": [
        N_("Under the US Fair Credit Reporting Act (FCRA) you have the right to a copy of the information a "
           "decision about your employment rests on: this letter is that copy."),
        N_("You have the right to dispute information that is incomplete or inaccurate; it is then "
           "reinvestigated, and corrected or deleted when it cannot be verified."),
        N_("You have the right to know what is in your file and where it came from, and to a summary of your "
           "rights; the Consumer Financial Protection Bureau publishes it at consumerfinance.gov/learnmore."),
    ],
    "EU": [
        N_("Under Article 22 of the EU General Data Protection Regulation you have the right not to be subject "
           "to a decision based solely on automated processing, to obtain human intervention, to express your "
           "point of view and to contest the decision."),
        N_("You have the right to an explanation of the decision, to a copy of your personal data (Article 15) "
           "and to have inaccurate data corrected (Article 16)."),
    ],
    "GB": [
        N_("Under Article 22 of the UK General Data Protection Regulation you have the right not to be subject "
           "to a decision based solely on automated processing, to obtain human intervention, to express your "
           "point of view and to contest the decision."),
        N_("You have the right to an explanation of the decision, to a copy of your personal data and to have "
           "inaccurate data corrected."),
    ],
    "CN": [
        N_("Under Article 24 of the Personal Information Protection Law of the PRC you have the right to ask "
           "us to explain this decision and to refuse a decision made solely by automated decision-making."),
        N_("You have the right to consult and copy your personal information (Article 45) and to have it "
           "corrected or completed (Article 46)."),
    ],
    "": [
        N_("You have the right to an explanation of this decision, to a copy of the information it rests on "
           "and to have inaccurate information corrected."),
    ],
}
HUMAN = N_("A person at %(company)s took this decision. Our automated checks only raised the questions below; "
           "they are questions for you, not verdicts.")
WAIT = N_("We will not take a final decision before %(wait)s working days have passed after this notice reached "
          "you (if it reaches you today, the waiting period runs until %(day)s). Tell us before then if anything "
          "below is wrong.")
DISPUTE_TO = N_("To dispute a finding or add what we missed, write to %(contact)s, naming the finding.")
DISPUTE_REPLY = N_("To dispute a finding or add what we missed, reply to this letter, naming the finding.")
SUBJECT = N_("Your application with %(company)s: %(title)s")

DELIVERY_METHODS: dict[str, str] = {  # how a letter reached the candidate (notice_deliveries.method)
    "email": N_("by e-mail"),
    "handed_over": N_("handed over"),
}
NOTICE_STATES: dict[str, str] = {
    "overdue": N_("Notice overdue"),
    "wait_over": N_("Waiting period over"),
    "due": N_("Notice due"),
    "waiting": N_("Waiting period"),
    "result_overdue": N_("Result overdue"),
    "result_due": N_("Result due"),
}
