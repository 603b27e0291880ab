"""Key-account work as rules, below the services (it imports no store): the key-account life cycle and who
may move it, the decision-maker map's coverage, the care calendar's holidays, cost-to-serve policies."""
