import type { useNewPasswordForm } from './use-new-password.js';
import { PasswordField } from '../ui/Field.js';

type Form = ReturnType<typeof useNewPasswordForm>;

/** The new password and its repetition, for a useNewPasswordForm form (first administrator, invitation). */
export function NewPasswordFields({ form, label, autoFocus }: { form: Form; label: string; autoFocus?: boolean }) {
  return (
    <>
      <PasswordField
        label={label}
        help="At least 8 characters."
        errors={form.errors.password}
        value={form.password}
        onChange={form.setPassword}
        autoFocus={autoFocus}
      />
      <PasswordField label="Repeat the password" errors={form.errors.repeat} value={form.repeat} onChange={form.setRepeat} />
    </>
  );
}
