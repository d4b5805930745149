"""On-call pay: hours in categories that do not overlap, rates, stipends and monthly totals."""

from rota.pay.categories import CATEGORIES, Category, categorise
from rota.pay.ledger import MemberPayLine, MonthPay, PayFigures, PayLedger, pay_ledger

__all__ = [
    "CATEGORIES",
    "Category",
    "MemberPayLine",
    "MonthPay",
    "PayFigures",
    "PayLedger",
    "categorise",
    "pay_ledger",
]
