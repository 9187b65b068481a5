import { ReactElement, useEffect } from 'react';
import { NavLink, Navigate, Route, Routes } from 'react-router';
import { Notices } from '../app/Notices';
import { ROUTES } from '../app/routes';
import { useTerminal } from '../app/terminal-context';
import { CouponPage } from './CouponPage';
import { CouponsPage } from './CouponsPage';
import { MerchantProvider, useMerchant } from './merchant-context';
import { MerchantSignInPage } from './MerchantSignInPage';
import { ProductsPage } from './ProductsPage';
import { StoresPage } from './StoresPage';

/** A console route relative to /merchant/*, where the descendant <Routes> below match (`/merchant/stores` → `stores`). */
const inConsole = (path: string) => path.slice(`${ROUTES.merchant}/`.length);

/** A page for a signed-in merchant (or the platform's admin); anyone else goes to the merchant sign-in. */
function MerchantOnly({ page }: { page: ReactElement }) {
  const { session } = useMerchant();
  const allowed = session?.roles.includes('merchant') || session?.roles.includes('admin');
  return allowed ? page : <Navigate to={ROUTES.merchantSignIn} replace />;
}

function ConsoleLayout() {
  const { t } = useTerminal();
  const { session, signOut } = useMerchant();
  useEffect(() => {
    document.title = `${t('mConsole')} · ${t('appName')}`;
  }, [t]);
  return (
    <div className="app console">
      <header className="top">
        <h1 className="brand">{t('mConsole')}</h1>
        {session && (
          <div className="status-bar">
            <span className="store-chip">{t('mSignedInAs', { merchant: session.merchantId ?? session.userId })}</span>
            <button type="button" className="link on-green" onClick={signOut}>{t('signOut')}</button>
          </div>
        )}
        {session && (
          <nav className="console-nav">
            <NavLink to={ROUTES.merchantStores}>{t('mNavStores')}</NavLink>
            <NavLink to={ROUTES.merchantProducts}>{t('mNavProducts')}</NavLink>
            <NavLink to={ROUTES.merchantCoupons}>{t('mNavCoupons')}</NavLink>
          </nav>
        )}
      </header>
      <Notices />
      <main className="screen">
        <Routes>
          <Route index element={<Navigate to={ROUTES.merchantCoupons} replace />} />
          <Route path={inConsole(ROUTES.merchantSignIn)} element={<MerchantSignInPage />} />
          <Route path={inConsole(ROUTES.merchantStores)} element={<MerchantOnly page={<StoresPage />} />} />
          <Route path={inConsole(ROUTES.merchantProducts)} element={<MerchantOnly page={<ProductsPage />} />} />
          <Route path={inConsole(ROUTES.merchantCoupons)} element={<MerchantOnly page={<CouponsPage />} />} />
          <Route path={inConsole(ROUTES.merchantCoupon)} element={<MerchantOnly page={<CouponPage />} />} />
          <Route path="*" element={<Navigate to={ROUTES.merchantCoupons} replace />} />
        </Routes>
      </main>
    </div>
  );
}

/** The merchant console at /merchant: its own session and layout, the terminal's language, API client and notices. */
export function MerchantConsole() {
  return (
    <MerchantProvider>
      <ConsoleLayout />
    </MerchantProvider>
  );
}
