import { I18n } from './i18n';

I18n.register({
  vi: {
    'core.skip': 'Bỏ qua, đến nội dung chính',
    'core.language': 'Ngôn ngữ',
    'core.home': 'Trang chủ',
    'core.signIn': 'Đăng nhập',
    'core.signOut': 'Đăng xuất',
    'core.account': 'Tài khoản',
    'core.error.title': 'Có lỗi xảy ra',
    'core.error.reference': 'Mã tham chiếu',
    'core.error.back': 'Quay lại trang chủ',
    'errors.NOT_FOUND': 'Không tìm thấy trang hoặc dữ liệu bạn yêu cầu.',
    'errors.UNAUTHENTICATED': 'Bạn cần đăng nhập để xem trang này.',
    'errors.FORBIDDEN': 'Bạn không có quyền xem nội dung này.',
    'errors.BAD_INPUT': 'Dữ liệu gửi lên không hợp lệ.',
    'errors.CSRF_FAILED': 'Biểu mẫu đã hết hạn. Vui lòng tải lại trang và thử lại.',
    'errors.RATE_LIMITED': 'Bạn thao tác quá nhanh. Vui lòng đợi một lát rồi thử lại.',
    'errors.INVALID_CREDENTIALS': 'Email hoặc mật khẩu không đúng.',
    'errors.ACCOUNT_LOCKED':
      'Tài khoản tạm khoá do đăng nhập sai nhiều lần. Hãy thử lại sau 15 phút.',
    'errors.CONFLICT': 'Dữ liệu đã thay đổi hoặc đã tồn tại.',
    'errors.INTERNAL':
      'Máy chủ gặp sự cố. Vui lòng thử lại; nếu vẫn lỗi, hãy báo cho quản trị viên kèm mã tham chiếu.',
  },
  en: {
    'core.skip': 'Skip to main content',
    'core.language': 'Language',
    'core.home': 'Home',
    'core.signIn': 'Sign in',
    'core.signOut': 'Sign out',
    'core.account': 'Account',
    'core.error.title': 'Something went wrong',
    'core.error.reference': 'Reference',
    'core.error.back': 'Back to the home page',
    'errors.NOT_FOUND': 'The page or data you asked for was not found.',
    'errors.UNAUTHENTICATED': 'You need to sign in to see this page.',
    'errors.FORBIDDEN': 'You do not have access to this.',
    'errors.BAD_INPUT': 'The data sent is not valid.',
    'errors.CSRF_FAILED': 'This form has expired. Reload the page and try again.',
    'errors.RATE_LIMITED': 'Too many requests. Wait a moment and try again.',
    'errors.INVALID_CREDENTIALS': 'Wrong e-mail or password.',
    'errors.ACCOUNT_LOCKED': 'Too many failed sign-ins. Try again in 15 minutes.',
    'errors.CONFLICT': 'The data has changed or already exists.',
    'errors.INTERNAL':
      'The server hit a problem. Please try again; if it persists, tell your administrator the reference below.',
  },
});
