/** A Mapiq building. */
export interface MapiqBuilding {
  id: string;
  name: string;
  address: string;
  timeZone: string;
  floorCount: number;
}

/** A Mapiq user. */
export interface MapiqUser {
  id: string;
  displayName: string;
  email: string;
  homeBuildingId: string;
}

/** The fixed demo buildings. */
export const MAPIQ_BUILDINGS: readonly MapiqBuilding[] = [
  { id: "8f1c2a9e-0b1d-4c55-9a51-2d0c7c1e0001", name: "Sandbox HQ", address: "1 Loopback Lane, Amsterdam", timeZone: "Europe/Amsterdam", floorCount: 6 },
  { id: "8f1c2a9e-0b1d-4c55-9a51-2d0c7c1e0002", name: "Harbour Office", address: "12 Quay Street, Rotterdam", timeZone: "Europe/Amsterdam", floorCount: 3 },
  { id: "8f1c2a9e-0b1d-4c55-9a51-2d0c7c1e0003", name: "Lakeside Studio", address: "400 Lake Avenue, Madison WI", timeZone: "America/Chicago", floorCount: 2 },
];

/** The fixed demo users. */
export const MAPIQ_USERS: readonly MapiqUser[] = [
  { id: "2b7e0c44-5f3a-4c1e-8d2e-6a9b00000001", displayName: "Ada Sandbox", email: "ada@sandbox.example", homeBuildingId: "8f1c2a9e-0b1d-4c55-9a51-2d0c7c1e0001" },
  { id: "2b7e0c44-5f3a-4c1e-8d2e-6a9b00000002", displayName: "Grace Loopback", email: "grace@sandbox.example", homeBuildingId: "8f1c2a9e-0b1d-4c55-9a51-2d0c7c1e0002" },
];

/** A Mapiq occupancy report: one per building, under the building's id. */
export interface MapiqReport {
  id: string;
  buildingId: string;
  period: string;
  averageOccupancy: number;
  peakOccupancy: number;
}

/** The report of the building `id`, or `undefined` for an unknown id. Deterministic. */
export function mapiqReport(id: string): MapiqReport | undefined {
  const index = MAPIQ_BUILDINGS.findIndex((building) => building.id === id);
  if (index < 0) return undefined;
  return { id, buildingId: id, period: "P7D", averageOccupancy: 0.31 + index * 0.07, peakOccupancy: 0.64 + index * 0.09 };
}
