import type { DefaultSession } from "next-auth";
import type { Identity } from "@/lib/domain/identity";

declare module "next-auth" {
  interface Session {
    user: DefaultSession["user"];
    userId?: string;
    claims?: Identity["claims"];
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    username?: string;
    claims?: Identity["claims"];
  }
}
