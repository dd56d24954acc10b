"""What Cobot writes for other programs: Excel workbooks, iCalendar feeds, and plain text for them."""
