"""One "any of these permissions" rule for pages, the API and the navigation (core.roles.has_any_perm),
and one "a department works on its own" rule for objects (core.roles.acts_for, outside_own, own_only)."""

from types import SimpleNamespace

from core.roles import P, Role, acts_for, has_any_perm, outside_own, own_only


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


def person(role, department_id, *perms):
    return SimpleNamespace(role=role, department_id=department_id, has_perm=lambda p: p in perms)


def test_a_department_user_acts_for_its_own_department_only():
    filer = person(Role.FILER, 7, P.FILE_REPORT)
    assert acts_for(filer, 7) and acts_for(filer, 7, P.FILE_REPORT)
    assert not acts_for(filer, 8)
    assert not acts_for(filer, None)
    assert not acts_for(filer, 7, P.EDIT_BUDGET)  # its department, but not the permission named
    assert acts_for(person(Role.DEPT_HEAD, 7), 7)


def test_no_other_role_acts_for_a_department_even_with_one_on_its_account():
    # A role that reads the city may carry a department on its account (who they work for): that never
    # makes them the department's filer.
    for role in (Role.SUPERVISOR, Role.FINANCE, Role.LEADER, Role.API_CLIENT, Role.ADMIN):
        assert not acts_for(person(role, 7, P.FILE_REPORT, P.EDIT_BUDGET), 7, P.EDIT_BUDGET)
        assert not acts_for(person(role, 7), 7)


def test_outside_own_limits_department_users_only():
    # A service finance may call for any department limits a filer or head to its own.
    assert outside_own(person(Role.FILER, 7), 8)
    assert outside_own(person(Role.DEPT_HEAD, 7), None)
    assert not outside_own(person(Role.FILER, 7), 7)
    for role in (Role.FINANCE, Role.SUPERVISOR, Role.ADMIN):
        assert not outside_own(person(role, 7), 8)
        assert not outside_own(person(role, None), 8)


def test_own_only_narrows_a_queryset_to_the_users_department(users, departments):
    from organizations.models import User

    everyone = User.objects.all()
    assert set(own_only(everyone, users["filer"]).values_list("username", flat=True)) == {"filer", "dept_head"}
    assert list(own_only(everyone, users["filer2"]).values_list("username", flat=True)) == ["filer2"]
    for role in ("supervisor", "finance", "leader"):
        assert not own_only(everyone, users[role]).exists()
    users["supervisor"].department = departments["edu"]
    assert not own_only(everyone, users["supervisor"]).exists()
