"""Documents the product renders for people: quotes as PDF."""
