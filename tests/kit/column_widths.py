"""Which request text field is stored in which database column: the table the width tests are driven by."""

from __future__ import annotations

from sqlalchemy import Column

from services.cases import models as cases
from services.fire import models as fire
from services.inspection import models as inspection
from services.registry import models as registry

# (request message's full name, field name) -> the column the servicer stores it in; a field stored in
# several columns (a grid worker's name as leader or as worker) is listed once per column in ALSO_STORED_IN.
STORED_IN: dict[tuple[str, str], Column[str]] = {
    ("gridgov.registry.v1.CreateJurisdictionRequest", "code"): registry.JurisdictionNode.__table__.c.code,
    ("gridgov.registry.v1.CreateJurisdictionRequest", "name"): registry.JurisdictionNode.__table__.c.name,
    ("gridgov.registry.v1.GridStaffMember", "subject"): registry.GridWorker.__table__.c.subject,
    ("gridgov.registry.v1.GridStaffMember", "name"): registry.GridWorker.__table__.c.name,
    ("gridgov.registry.v1.GridStaffMember", "phone"): registry.GridWorker.__table__.c.phone,
    ("gridgov.registry.v1.CreateBuildingRequest", "jurisdiction_code"):
        registry.BuildingRow.__table__.c.jurisdiction_code,
    ("gridgov.registry.v1.CreateBuildingRequest", "address"): registry.BuildingRow.__table__.c.address,
    ("gridgov.registry.v1.CreateBuildingRequest", "name"): registry.BuildingRow.__table__.c.name,
    ("gridgov.registry.v1.UpdateBuildingRequest", "address"): registry.BuildingRow.__table__.c.address,
    ("gridgov.registry.v1.UpdateBuildingRequest", "name"): registry.BuildingRow.__table__.c.name,
    ("gridgov.registry.v1.CreateHouseholdRequest", "number"): registry.HouseholdRow.__table__.c.number,
    ("gridgov.registry.v1.UpdateHouseholdRequest", "number"): registry.HouseholdRow.__table__.c.number,
    ("gridgov.registry.v1.Helper", "name"): registry.HouseholdRow.__table__.c.helper_name,
    ("gridgov.registry.v1.Helper", "phone"): registry.HouseholdRow.__table__.c.helper_phone,
    ("gridgov.registry.v1.ResidentInput", "name"): registry.ResidentRow.__table__.c.name,
    ("gridgov.registry.v1.ResidentInput", "id_number"): registry.ResidentRow.__table__.c.id_number,
    ("gridgov.registry.v1.ResidentInput", "phone"): registry.ResidentRow.__table__.c.phone,
    ("gridgov.registry.v1.CreateOrganizationRequest", "name"): registry.OrganizationRow.__table__.c.name,
    ("gridgov.registry.v1.CreateOrganizationRequest", "credit_code"): registry.OrganizationRow.__table__.c.credit_code,
    ("gridgov.registry.v1.CreateOrganizationRequest", "address"): registry.OrganizationRow.__table__.c.address,
    ("gridgov.registry.v1.CreateOrganizationRequest", "jurisdiction_code"):
        registry.OrganizationRow.__table__.c.jurisdiction_code,
    ("gridgov.registry.v1.CreateOrganizationRequest", "contact_phone"):
        registry.OrganizationRow.__table__.c.contact_phone,
    ("gridgov.registry.v1.UpdateOrganizationRequest", "name"): registry.OrganizationRow.__table__.c.name,
    ("gridgov.registry.v1.UpdateOrganizationRequest", "credit_code"): registry.OrganizationRow.__table__.c.credit_code,
    ("gridgov.registry.v1.UpdateOrganizationRequest", "address"): registry.OrganizationRow.__table__.c.address,
    ("gridgov.registry.v1.UpdateOrganizationRequest", "contact_phone"):
        registry.OrganizationRow.__table__.c.contact_phone,
    ("gridgov.cases.v1.ReportCaseRequest", "category_code"): cases.CaseRow.__table__.c.category_code,
    ("gridgov.cases.v1.ReportCaseRequest", "jurisdiction_code"): cases.CaseRow.__table__.c.jurisdiction_code,
    ("gridgov.fire.v1.CreatePlaceRequest", "located_grid"): fire.PlaceRow.__table__.c.located_grid,
    ("gridgov.inspection.v1.SourceInput", "located_grid"): inspection.SourceRow.__table__.c.located_grid,
    ("gridgov.cases.v1.ReportCaseRequest", "located_grid"): cases.CaseRow.__table__.c.located_grid,
    ("gridgov.registry.v1.CreateBuildingRequest", "located_grid"): registry.BuildingRow.__table__.c.located_grid,
    ("gridgov.registry.v1.UpdateBuildingRequest", "located_grid"): registry.BuildingRow.__table__.c.located_grid,
    ("gridgov.cases.v1.ReportCaseRequest", "address"): cases.CaseRow.__table__.c.address,
    ("gridgov.cases.v1.ReportCaseRequest", "reporter_phone"): cases.CaseRow.__table__.c.reporter_phone,
    ("gridgov.cases.v1.DispatchCaseRequest", "unit"): cases.CaseRow.__table__.c.handling_unit,
    ("gridgov.cases.v1.DispatchCaseRequest", "co_units"): cases.CaseUnitRow.__table__.c.unit,
    ("gridgov.cases.v1.Category", "code"): cases.CategoryRow.__table__.c.code,
    ("gridgov.cases.v1.Category", "major_class"): cases.CategoryRow.__table__.c.major_class,
    ("gridgov.cases.v1.Category", "name"): cases.CategoryRow.__table__.c.name,
    ("gridgov.cases.v1.Category", "default_unit"): cases.CategoryRow.__table__.c.default_unit,
    ("gridgov.cases.v1.DispatchRule", "category_code"): cases.DispatchRuleRow.__table__.c.category_code,
    ("gridgov.cases.v1.DispatchRule", "jurisdiction_prefix"): cases.DispatchRuleRow.__table__.c.jurisdiction_prefix,
    ("gridgov.cases.v1.DispatchRule", "unit"): cases.DispatchRuleRow.__table__.c.unit,
    ("gridgov.fire.v1.PlaceInput", "name"): fire.PlaceRow.__table__.c.name,
    ("gridgov.fire.v1.PlaceInput", "address"): fire.PlaceRow.__table__.c.address,
    ("gridgov.fire.v1.PlaceInput", "jurisdiction_code"): fire.PlaceRow.__table__.c.jurisdiction_code,
    ("gridgov.fire.v1.PlaceInput", "owner_name"): fire.PlaceRow.__table__.c.owner_name,
    ("gridgov.fire.v1.PlaceInput", "owner_phone"): fire.PlaceRow.__table__.c.owner_phone,
    ("gridgov.fire.v1.PlaceInput", "contact_name"): fire.PlaceRow.__table__.c.contact_name,
    ("gridgov.fire.v1.PlaceInput", "contact_phone"): fire.PlaceRow.__table__.c.contact_phone,
    ("gridgov.fire.v1.PlaceInput", "organization_id"): fire.PlaceRow.__table__.c.organization_id,
    ("gridgov.fire.v1.PlaceInput", "household_id"): fire.PlaceRow.__table__.c.household_id,
    ("gridgov.fire.v1.UpdateHazardTypeRequest", "code"): fire.HazardTypeRow.__table__.c.code,
    ("gridgov.fire.v1.UpdateHazardTypeRequest", "name"): fire.HazardTypeRow.__table__.c.name,
    ("gridgov.fire.v1.ChecklistItem", "hazard_type_code"): fire.HazardRow.__table__.c.hazard_type_code,
    ("gridgov.fire.v1.SetDistrictSettingsRequest", "district_code"):
        fire.DistrictSettingsRow.__table__.c.district_code,
    ("gridgov.inspection.v1.SourceInput", "name"): inspection.SourceRow.__table__.c.name,
    ("gridgov.inspection.v1.SourceInput", "jurisdiction_code"): inspection.SourceRow.__table__.c.jurisdiction_code,
    ("gridgov.inspection.v1.SourceInput", "address"): inspection.SourceRow.__table__.c.address,
    ("gridgov.inspection.v1.SourceInput", "responsible_unit"): inspection.SourceRow.__table__.c.responsible_unit,
    ("gridgov.inspection.v1.SourceInput", "contact_name"): inspection.SourceRow.__table__.c.contact_name,
    ("gridgov.inspection.v1.SourceInput", "contact_phone"): inspection.SourceRow.__table__.c.contact_phone,
    ("gridgov.inspection.v1.SourceInput", "permit_number"): inspection.SourceRow.__table__.c.permit_number,
    ("gridgov.inspection.v1.ChecklistItem", "code"): inspection.ChecklistItemRow.__table__.c.code,
    ("gridgov.inspection.v1.ChecklistItem", "name"): inspection.ChecklistItemRow.__table__.c.name,
    ("gridgov.inspection.v1.GridHead", "subject_id"): inspection.GridHeadRow.__table__.c.subject_id,
    ("gridgov.inspection.v1.GridHead", "name"): inspection.GridHeadRow.__table__.c.name,
    ("gridgov.inspection.v1.GridHead", "jurisdiction_code"): inspection.GridHeadRow.__table__.c.jurisdiction_code,
    ("gridgov.inspection.v1.GridHead", "phone"): inspection.GridHeadRow.__table__.c.phone,
    ("gridgov.inspection.v1.RecordPatrolRequest", "patroller"): inspection.PatrolRow.__table__.c.patroller,
    ("gridgov.inspection.v1.ViolationType", "code"): inspection.ViolationTypeRow.__table__.c.code,
    ("gridgov.inspection.v1.ViolationType", "name"): inspection.ViolationTypeRow.__table__.c.name,
    ("gridgov.inspection.v1.ReportViolationRequest", "checklist_item"):
        inspection.ViolationRow.__table__.c.checklist_item,
    ("gridgov.inspection.v1.StationReading", "station_code"): inspection.StationReadingRow.__table__.c.station_code,
    ("gridgov.inspection.v1.StationReading", "jurisdiction_code"):
        inspection.StationReadingRow.__table__.c.jurisdiction_code,
    ("gridgov.inspection.v1.ReferenceReading", "area"): inspection.ReferenceReadingRow.__table__.c.area,
}

ALSO_STORED_IN: list[tuple[tuple[str, str], Column[str]]] = [
    (("gridgov.registry.v1.GridStaffMember", "subject"), registry.JurisdictionNode.__table__.c.leader_subject),
    (("gridgov.registry.v1.GridStaffMember", "name"), registry.JurisdictionNode.__table__.c.leader_name),
    (("gridgov.registry.v1.GridStaffMember", "phone"), registry.JurisdictionNode.__table__.c.leader_phone),
    (("gridgov.registry.v1.ResidentInput", "name"), registry.HouseholdRow.__table__.c.head_name),
    (("gridgov.cases.v1.ReportCaseRequest", "jurisdiction_code"),
     cases.ReportedDayRow.__table__.c.jurisdiction_code),
    (("gridgov.fire.v1.PlaceInput", "name"), fire.HazardRow.__table__.c.place_name),
    (("gridgov.fire.v1.PlaceInput", "address"), fire.HazardRow.__table__.c.address),
    (("gridgov.fire.v1.PlaceInput", "jurisdiction_code"), fire.HazardRow.__table__.c.jurisdiction_code),
    (("gridgov.fire.v1.UpdateHazardTypeRequest", "code"), fire.HazardTypeVersionRow.__table__.c.code),
    (("gridgov.fire.v1.UpdateHazardTypeRequest", "name"), fire.HazardTypeVersionRow.__table__.c.name),
    (("gridgov.inspection.v1.GridHead", "subject_id"), inspection.MissedWindowRow.__table__.c.subject_id),
    (("gridgov.inspection.v1.GridHead", "name"), inspection.MissedWindowRow.__table__.c.name),
    (("gridgov.inspection.v1.SourceInput", "name"), inspection.MissedWindowRow.__table__.c.name),
]

# Narrow columns no request text field is stored in, and why: a new narrow column must be placed in
# STORED_IN or here, so that one filled from a request cannot slip past the width checks.
NOT_FROM_REQUEST_TEXT: dict[str, set[str]] = {
    # The caller's subject, from the signed actor, not from a request field.
    "actor subjects": {
        "case_record.reporter", "category.changed_by", "case_history.actor", "case_rating.rater",
        "case_rating.reporter", "fire_district_settings.updated_by", "hazard.found_by", "hazard_change.actor",
        "hazard_type.updated_by", "hazard_type_version.updated_by", "inspection.inspector",
        "inspection_plan.updated_by", "patrol.recorded_by", "violation.reporter", "visit.worker"},
    # Made by the service itself: numbers, day keys, its own action words.
    "minted by the service": {"case_record.number", "case_number_counter.day_key", "case_history.action",
                              "hazard_change.action"},
    # Copied from a row the service read first (the request names it, the stored value is the row's).
    "copied from a stored row": {
        "case_record.answerable_unit", "case_record.duplicate_of", "case_record.merged_into",
        "case_tally.jurisdiction_code", "case_history.unit", "case_rating.unit", "case_rating.jurisdiction_code",
        "hazard.place_id", "hazard.inspection_id", "hazard_change.hazard_id", "inspection.place_id",
        "inspection.jurisdiction_code", "missed_window.jurisdiction_code", "patrol.jurisdiction_code",
        "patrol_check.source_id", "violation.jurisdiction_code", "jurisdiction.parent_code",
        "household.jurisdiction_code", "resident.jurisdiction_code", "visit.jurisdiction_code"},
    # Written from another service's events or replies, not from a request of this one.
    "from another service": {"case_record.source_service", "case_record.source_reference", "hazard.case_id",
                             "hazard.case_number", "violation.case_id", "violation.case_number"},
}
