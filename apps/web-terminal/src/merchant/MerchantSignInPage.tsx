import { FormEvent, useState } from 'react';
import { Navigate, useNavigate } from 'react-router';
import { ROUTES } from '../app/routes';
import { useTerminal } from '../app/terminal-context';
import { ApiClient, ApiProblem } from '../shared/api';
import { useMerchant } from './merchant-context';

type DevTokenAnswer = { accessToken: string };

/**
 * Dev sign-in as a merchant (POST /v1/auth/dev-token, under `npm start` only): the name typed is both the user id
 * and the merchant id.
 */
async function devMerchantToken(api: ApiClient, name: string): Promise<string> {
  return (await api.post<DevTokenAnswer>('/v1/auth/dev-token', { body: { userId: name, merchantId: name, roles: ['merchant'] } })).body.accessToken;
}

export function MerchantSignInPage() {
  const { t, api } = useTerminal();
  const { session, signIn, signOut } = useMerchant();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [devTokens, setDevTokens] = useState(true);
  const [problem, setProblem] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const id = name.trim();
    if (!id) return setProblem(t('mRequired'));
    if (/\s/.test(id)) return setProblem(t('mId'));
    setBusy(true);
    setProblem(null);
    try {
      if (signIn(await devMerchantToken(api, id))) navigate(ROUTES.merchantCoupons);
    } catch (err) {
      if (err instanceof ApiProblem && (err.status === 404 || err.status === 403)) setDevTokens(false);
      else setProblem(err instanceof ApiProblem ? err.message : t('networkError'));
    } finally {
      setBusy(false);
    }
  }

  if (session?.roles.includes('merchant') || session?.roles.includes('admin')) return <Navigate to={ROUTES.merchantCoupons} replace />;
  return (
    <section className="panel">
      <h2>{t('mSignInTitle')}</h2>
      {session && (
        <>
          <p className="form-problems">{t('mNotMerchant')}</p>
          <button type="button" onClick={signOut}>{t('signOut')}</button>
        </>
      )}
      <p>{t('mSignInExplain')}</p>
      {devTokens ? (
        <form onSubmit={submit} className="stack" noValidate>
          <label>
            {t('mMerchant')}
            <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="username" autoCapitalize="none" maxLength={64}
              aria-invalid={problem ? true : undefined} aria-describedby={problem ? 'merchant-sign-in-error' : undefined} />
          </label>
          {problem && <small id="merchant-sign-in-error" className="field-error" role="alert">{problem}</small>}
          <button type="submit" className="primary" disabled={busy}>{t('signIn')}</button>
          <p className="hint">{t('mDevSignInNote')}</p>
        </form>
      ) : (
        <p>{t('noSignIn')}</p>
      )}
    </section>
  );
}
