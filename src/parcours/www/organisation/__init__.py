"""The organisation journey: its manager's page of members, where they designate who may see
where people sleep."""
