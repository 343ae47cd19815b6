// The lists of today's work, each kept for the phone offline. The record pages read the same kept answers (the
// fire checklist its place and the hazard catalogue), so a visit or an inspection can be recorded offline.
import { graphql } from "../gql";

export const HouseholdsToContactQuery = graphql(`
  query TodayHouseholds($grid: String!) {
    closeContact: households(filter: { jurisdictionPrefix: $grid, careLevel: CLOSE_CONTACT }, first: 100) {
      nodes { id number address headName careLevel careReason jurisdictionCode visits(first: 1) { nodes { visitedAt } } }
    }
    attention: households(filter: { jurisdictionPrefix: $grid, careLevel: ATTENTION }, first: 100) {
      nodes { id number address headName careLevel careReason jurisdictionCode visits(first: 1) { nodes { visitedAt } } }
    }
  }
`);

export const FireDueTodayQuery = graphql(`
  query TodayFireDue($grid: String!) {
    due: fireDueInspections(jurisdictionCode: $grid, status: DUE, first: 100) {
      nodes { id name address type inspectedBy jurisdictionCode nextDueOn lastInspectedAt }
    }
    overdue: fireDueInspections(jurisdictionCode: $grid, status: OVERDUE, first: 100) { nodes { id } }
    hazardTypes: fireHazardTypes(first: 200) { nodes { code name category severity } }
  }
`);

export const FireHazardsTodayQuery = graphql(`
  query TodayFireHazards($grid: String!) {
    fireHazards(jurisdictionCode: $grid, states: [OPEN, RECTIFYING, OVERDUE], first: 100) {
      nodes { id placeName address hazardTypeCode jurisdictionCode state rectifyBy rectifyWorkingDaysLeft }
    }
  }
`);

export const ViolationsTodayQuery = graphql(`
  query TodayViolations($grid: String!) {
    pollutionViolations(jurisdictionCode: $grid, state: OPEN, first: 100) {
      nodes { id violationType description jurisdictionCode deadline workingDaysLeft urgent }
    }
  }
`);

export const MyCasesTodayQuery = graphql(`
  query TodayMyCases($grid: String!) {
    cases(source: GRID_WORKER, jurisdictionPrefix: $grid,
      states: [REPORTED, REGISTERED, DISPATCHED, RETURNED, ACCEPTED, ON_HOLD, EMERGENCY, HANDLED], first: 200) {
      nodes { id number description jurisdictionCode reporter state dueStatus acceptBy deadline reportedAt }
    }
  }
`);
