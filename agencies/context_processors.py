from .access import role_title


def membership(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"membership": None, "role_title": ""}
    return {"membership": getattr(user, "membership", None), "role_title": role_title(user)}
