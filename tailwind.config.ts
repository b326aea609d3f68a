// Tailwind 4 reads its theme from app/globals.css; this file (loaded there with @config) holds
// the content paths and the class-based dark mode so the setup is visible in one place.
import type { Config } from "tailwindcss";

const config: Config = {
  content: ["./app/**/*.{ts,tsx}", "./components/**/*.{ts,tsx}"],
  darkMode: "class",
};

export default config;
