"""One "any of these permissions" rule for pages, the API and the navigation (core.roles.has_any_perm)."""

from types import SimpleNamespace

from core.roles import P, has_any_perm


def user_with(*perms):
    return SimpleNamespace(has_perm=lambda p: p in perms)


def test_one_permission_or_any_of_several():
    reader = user_with(P.READ_OWN_BUDGETS)
    assert has_any_perm(reader, P.READ_OWN_BUDGETS)
    assert not has_any_perm(reader, P.READ_ALL_BUDGETS)
    assert has_any_perm(reader, (P.READ_ALL_BUDGETS, P.READ_OWN_BUDGETS))
    assert not has_any_perm(reader, (P.READ_ALL_BUDGETS, P.EDIT_BUDGET))


def test_nothing_asked_and_an_empty_choice():
    nobody = user_with()
    assert has_any_perm(nobody, None)  # a view that asks for no permission
    assert not has_any_perm(nobody, ())  # "any of none" lets nobody in
