// The dev sign-in's two calls (served by the gateway only outside production).

export interface DemoUser {
  subject: string;
  label: string;
  role: string;
  scope: string;
  scopeName: string;
  department: string;
  displayName: string;
}

export async function listDemoUsers(): Promise<DemoUser[]> {
  const response = await fetch("/dev/sign-in/users", { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`${response.status}`);
  return ((await response.json()) as { users: DemoUser[] }).users;
}

export async function demoToken(subject: string): Promise<string> {
  const response = await fetch("/dev/sign-in", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ subject }),
  });
  const body = (await response.json()) as { token?: string; errors?: { message: string }[] };
  if (!response.ok || !body.token) throw new Error(body.errors?.[0]?.message ?? `${response.status}`);
  return body.token;
}
