def active_organisation(request):
    return {"actor": getattr(request, "actor", None)}
