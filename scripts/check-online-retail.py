#!/usr/bin/env python3
"""Independent check of the ledger's Online Retail load: computes, straight from the CSV with
Python's csv and Decimal (no tillbox code), per month: net total in pence (line = qty x price
rounded half away from zero to the penny, C-invoices negative as printed), receipts (non-C
invoices) and distinct customers with any invoice. Prints JSON {month: {total, receipts, members}}.
Usage: python3 scripts/check-online-retail.py PATH/online_retail.csv.gz [--until YYYY-MM]
(--until: only invoices dated before that month, exclusive)"""
import csv, gzip, json, sys
from decimal import Decimal, ROUND_HALF_UP

path = sys.argv[1]
until = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == '--until' else None
total, invoices, members = {}, {}, {}
with gzip.open(path, 'rt', newline='', encoding='utf-8') as f:
    for row in csv.DictReader(f):
        month = row['InvoiceDate'][:7]
        if until is not None and month >= until:
            continue
        line = (Decimal(row['Quantity']) * Decimal(row['UnitPrice']) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        total[month] = total.get(month, 0) + int(line)
        if not row['InvoiceNo'].startswith('C'):
            invoices.setdefault(month, set()).add(row['InvoiceNo'])
        if row['CustomerID']:
            members.setdefault(month, set()).add(row['CustomerID'])
out = {m: {'total': total[m], 'receipts': len(invoices.get(m, ())), 'members': len(members.get(m, ()))} for m in sorted(total)}
print(json.dumps(out))
