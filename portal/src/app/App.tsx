// The routes: every page code-split, so the first page loads only the shell and itself.
import { lazy, Suspense, type ReactNode } from "react";
import { Link, Navigate, Route, Routes } from "react-router-dom";
import { useSession } from "../auth/session";
import { useI18n } from "../i18n/i18n";
import { homePath } from "./menu";
import { RequireSession } from "./RequireSession";
import { Shell } from "./Shell";

const SignInPage = lazy(() => import("../auth/SignInPage"));
const OidcCallbackPage = lazy(() => import("../auth/OidcCallbackPage"));
const DashboardPage = lazy(() => import("../dashboard/DashboardPage"));
const CaseListPage = lazy(() => import("../cases/CaseListPage"));
const CasePage = lazy(() => import("../cases/CasePage"));
const UnitWorkPage = lazy(() => import("../unit/UnitWorkPage"));
const DecisionLogPage = lazy(() => import("../audit/DecisionLogPage"));
const ReportPage = lazy(() => import("../field/ReportPage"));
const TodayPage = lazy(() => import("../field/TodayPage"));
const VisitPage = lazy(() => import("../field/VisitPage"));
const FireInspectPage = lazy(() => import("../field/FireInspectPage"));
const PatrolPage = lazy(() => import("../field/PatrolPage"));
const FireDuePage = lazy(() => import("../fire/FireDuePage"));
const FireHazardListPage = lazy(() => import("../fire/FireHazardListPage"));
const FireHazardPage = lazy(() => import("../fire/FireHazardPage"));
const FirePlacePage = lazy(() => import("../fire/FirePlacePage"));
const FireLedgerPage = lazy(() => import("../fire/FireLedgerPage"));
const PatrolsPage = lazy(() => import("../environment/PatrolsPage"));
const SourcesPage = lazy(() => import("../environment/SourcesPage"));
const ViolationsPage = lazy(() => import("../environment/ViolationsPage"));
const ViolationPage = lazy(() => import("../environment/ViolationPage"));
const AssessmentPage = lazy(() => import("../environment/AssessmentPage"));
const AirQualityPage = lazy(() => import("../environment/AirQualityPage"));
const JurisdictionTreePage = lazy(() => import("../registry/JurisdictionTreePage"));
const HouseholdListPage = lazy(() => import("../registry/HouseholdListPage"));
const HouseholdPage = lazy(() => import("../registry/HouseholdPage"));
const HouseholdLedgerPage = lazy(() => import("../registry/HouseholdLedgerPage"));
const MapPage = lazy(() => import("../map/MapPage"));
const EvaluationPage = lazy(() => import("../evaluation/EvaluationPage"));
const BigScreenPage = lazy(() => import("../bigscreen/BigScreenPage"));

function Loading() {
  const { t } = useI18n();
  return <p className="loading" role="status">{t("app.loading")}</p>;
}

function NotFound() {
  const { t } = useI18n();
  const { grant } = useSession();
  return (
    <section>
      <h1>{t("app.notFound")}</h1>
      <p><Link to={homePath(grant?.role)}>{t("app.backHome")}</Link></p>
    </section>
  );
}

function Home() {
  const { grant } = useSession();
  return <Navigate to={homePath(grant?.role)} replace />;
}

function Page({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}

export function App() {
  return (
    <Routes>
      <Route path="/sign-in" element={<Page><SignInPage /></Page>} />
      <Route path="/auth/callback" element={<Page><OidcCallbackPage /></Page>} />
      <Route path="/big-screen" element={<RequireSession><Page><BigScreenPage /></Page></RequireSession>} />
      <Route element={<RequireSession><Shell /></RequireSession>}>
        <Route index element={<Home />} />
        <Route path="dashboard" element={<Page><DashboardPage /></Page>} />
        <Route path="cases" element={<Page><CaseListPage /></Page>} />
        <Route path="cases/:id" element={<Page><CasePage /></Page>} />
        <Route path="unit" element={<Page><UnitWorkPage /></Page>} />
        <Route path="audit" element={<Page><DecisionLogPage /></Page>} />
        <Route path="field" element={<Page><ReportPage /></Page>} />
        <Route path="field/today" element={<Page><TodayPage /></Page>} />
        <Route path="field/visit/:id" element={<Page><VisitPage /></Page>} />
        <Route path="field/fire/:id" element={<Page><FireInspectPage /></Page>} />
        <Route path="field/patrol" element={<Page><PatrolPage /></Page>} />
        <Route path="fire" element={<Page><FireDuePage /></Page>} />
        <Route path="fire/places/:id" element={<Page><FirePlacePage /></Page>} />
        <Route path="fire/hazards" element={<Page><FireHazardListPage /></Page>} />
        <Route path="fire/hazards/:id" element={<Page><FireHazardPage /></Page>} />
        <Route path="fire/handovers" element={<Page><FireHazardListPage key="handovers" handovers /></Page>} />
        <Route path="fire/ledger" element={<Page><FireLedgerPage /></Page>} />
        <Route path="environment" element={<Page><PatrolsPage /></Page>} />
        <Route path="environment/sources" element={<Page><SourcesPage /></Page>} />
        <Route path="environment/violations" element={<Page><ViolationsPage /></Page>} />
        <Route path="environment/violations/:id" element={<Page><ViolationPage /></Page>} />
        <Route path="environment/assessment" element={<Page><AssessmentPage /></Page>} />
        <Route path="environment/air" element={<Page><AirQualityPage /></Page>} />
        <Route path="registry" element={<Page><JurisdictionTreePage /></Page>} />
        <Route path="registry/households" element={<Page><HouseholdListPage /></Page>} />
        <Route path="registry/households/:id" element={<Page><HouseholdPage /></Page>} />
        <Route path="registry/ledger" element={<Page><HouseholdLedgerPage /></Page>} />
        <Route path="map" element={<Page><MapPage /></Page>} />
        <Route path="evaluation" element={<Page><EvaluationPage /></Page>} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
