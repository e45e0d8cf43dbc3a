import { I18n } from '@lib/core';

/*
 * Pages of the LTI flows. For each refusal: what happened (`lti.reason.*`, for the person in
 * front of the screen) and what the LMS administrator can do (`lti.fix.*`).
 */
I18n.register({
  vi: {
    'lti.error.title': 'Không mở được SafeNest',
    'lti.error.fixHeading': 'Quản trị viên LMS có thể làm gì',
    'lti.error.reasonCode': 'Mã lý do',
    'lti.error.newWindow': 'Mở trong cửa sổ mới',
    'lti.error.returnToLms': 'Quay lại LMS',
    'lti.reason.LOGIN_PARAMS_MISSING': 'Yêu cầu đăng nhập từ LMS thiếu thông tin bắt buộc.',
    'lti.fix.LOGIN_PARAMS_MISSING':
      'Kiểm tra địa chỉ “Initiate login URL” của công cụ là {base}/lti/login và LMS gửi iss, login_hint, target_link_uri.',
    'lti.reason.PLATFORM_UNKNOWN': 'SafeNest chưa biết LMS này (chưa đăng ký).',
    'lti.fix.PLATFORM_UNKNOWN':
      'Đăng ký LMS với SafeNest bằng Dynamic Registration tại {base}/lti/register, hoặc nhờ quản trị SafeNest thêm thủ công (issuer và client ID phải khớp).',
    'lti.reason.PLATFORM_INACTIVE': 'LMS này đã đăng ký nhưng chưa được kích hoạt.',
    'lti.fix.PLATFORM_INACTIVE':
      'Nhờ quản trị SafeNest kích hoạt đăng ký này trên trang quản lý đăng ký LTI.',
    'lti.reason.TARGET_LINK_INVALID': 'Địa chỉ đích của lượt mở không thuộc SafeNest.',
    'lti.fix.TARGET_LINK_INVALID':
      'Cấu hình “Target link URI” / “Redirection URI” của công cụ là {base}/lti/launch.',
    'lti.reason.ID_TOKEN_MISSING': 'LMS không gửi kèm id_token khi mở bài.',
    'lti.fix.ID_TOKEN_MISSING': 'Kiểm tra LMS gửi id_token bằng form_post tới {base}/lti/launch.',
    'lti.reason.JWT_MALFORMED': 'Thông tin đăng nhập LMS gửi sang không đọc được.',
    'lti.fix.JWT_MALFORMED': 'LMS phải gửi id_token dạng JWT ký RS256.',
    'lti.reason.JWT_ALG_NOT_ALLOWED': 'Thông tin đăng nhập không được ký bằng thuật toán RS256.',
    'lti.fix.JWT_ALG_NOT_ALLOWED': 'LTI 1.3 chỉ cho phép RS256; kiểm tra cấu hình khoá của LMS.',
    'lti.reason.JWT_KID_UNKNOWN':
      'Khoá ký của LMS không có trong bộ khoá công khai (JWKS) của LMS.',
    'lti.fix.JWT_KID_UNKNOWN':
      'Kiểm tra địa chỉ JWKS (Public keyset URL) của LMS đã đăng ký với SafeNest và LMS đang công bố khoá hiện tại.',
    'lti.reason.JWT_SIGNATURE_INVALID': 'Chữ ký của thông tin đăng nhập không hợp lệ.',
    'lti.fix.JWT_SIGNATURE_INVALID':
      'Khoá công khai đã đăng ký không khớp khoá LMS dùng để ký. Cập nhật khoá hoặc địa chỉ JWKS của LMS.',
    'lti.reason.JWT_EXPIRED': 'Thông tin đăng nhập đã hết hạn trước khi tới SafeNest.',
    'lti.fix.JWT_EXPIRED':
      'Thử mở lại bài. Nếu lặp lại, hãy kiểm tra đồng hồ máy chủ LMS (NTP) và tốc độ mạng.',
    'lti.reason.JWT_IAT_IN_FUTURE': 'Thông tin đăng nhập ghi thời điểm tạo ở tương lai.',
    'lti.fix.JWT_IAT_IN_FUTURE': 'Đồng hồ máy chủ LMS đang chạy nhanh; hãy đồng bộ giờ (NTP).',
    'lti.reason.JWT_AUD_MISMATCH': 'Thông tin đăng nhập được cấp cho một công cụ khác.',
    'lti.fix.JWT_AUD_MISMATCH':
      'Client ID đã đăng ký với SafeNest phải khớp client ID của công cụ trong LMS.',
    'lti.reason.JWT_ISS_MISMATCH':
      'Thông tin đăng nhập đến từ một LMS khác với LMS đã bắt đầu đăng nhập.',
    'lti.fix.JWT_ISS_MISMATCH': 'Kiểm tra issuer (Platform ID) đã đăng ký với SafeNest.',
    'lti.reason.PLATFORM_KEYS_UNAVAILABLE': 'SafeNest không tải được bộ khoá công khai của LMS.',
    'lti.fix.PLATFORM_KEYS_UNAVAILABLE':
      'Kiểm tra địa chỉ JWKS của LMS truy cập được từ máy chủ SafeNest, rồi thử lại.',
    'lti.reason.STATE_MISSING': 'Lượt mở bài thiếu tham số state.',
    'lti.fix.STATE_MISSING': 'LMS phải gửi lại nguyên giá trị state nhận được lúc đăng nhập.',
    'lti.reason.STATE_UNKNOWN': 'Lượt đăng nhập này không có hoặc đã hết hạn (quá 10 phút).',
    'lti.fix.STATE_UNKNOWN': 'Thử mở lại bài từ LMS.',
    'lti.reason.STATE_COOKIE_MISSING':
      'Trình duyệt đã chặn cookie của SafeNest trong khung của LMS, nên không xác nhận được lượt đăng nhập.',
    'lti.fix.STATE_COOKIE_MISSING':
      'Bấm “Mở trong cửa sổ mới”. Quản trị viên LMS có thể đặt công cụ mở trong cửa sổ mới, hoặc dùng LMS hỗ trợ lưu trữ LTI (lti_storage_target).',
    'lti.reason.STATE_COOKIE_MISMATCH':
      'Lượt mở bài không khớp với lượt đăng nhập của trình duyệt này.',
    'lti.fix.STATE_COOKIE_MISMATCH': 'Thử mở lại bài từ LMS trong cùng trình duyệt.',
    'lti.reason.NONCE_MISMATCH': 'Mã dùng một lần (nonce) không khớp với lượt đăng nhập.',
    'lti.fix.NONCE_MISMATCH': 'LMS phải trả về đúng nonce SafeNest đã gửi trong yêu cầu xác thực.',
    'lti.reason.NONCE_REUSED': 'Lượt mở bài này đã được dùng rồi (có thể do gửi lại biểu mẫu).',
    'lti.fix.NONCE_REUSED':
      'Mở lại bài từ LMS; không dùng nút Quay lại của trình duyệt để gửi lại.',
    'lti.reason.DEPLOYMENT_UNKNOWN':
      'Bản triển khai (deployment) này của công cụ chưa được đăng ký.',
    'lti.fix.DEPLOYMENT_UNKNOWN':
      'Nhờ quản trị SafeNest thêm deployment ID này cho LMS (lệnh deployment:bind hoặc trang quản lý đăng ký).',
    'lti.reason.CLAIM_MISSING': 'Thông tin LMS gửi sang thiếu trường bắt buộc: {claim}.',
    'lti.fix.CLAIM_MISSING':
      'Cấu hình LMS gửi đủ các trường LTI 1.3 bắt buộc cho loại yêu cầu này.',
    'lti.reason.LTI_VERSION_UNSUPPORTED': 'SafeNest chỉ hỗ trợ LTI 1.3.0.',
    'lti.fix.LTI_VERSION_UNSUPPORTED': 'Cấu hình công cụ trong LMS dùng LTI 1.3.',
    'lti.reason.MESSAGE_TYPE_UNSUPPORTED': 'Loại yêu cầu LTI này không được hỗ trợ.',
    'lti.fix.MESSAGE_TYPE_UNSUPPORTED':
      'SafeNest nhận LtiResourceLinkRequest và LtiDeepLinkingRequest.',
    'lti.reason.LINK_WITHOUT_MODULE': 'Hoạt động này chưa được gắn với bài học nào của SafeNest.',
    'lti.fix.LINK_WITHOUT_MODULE':
      'Giáo viên hãy thêm hoạt động bằng cách chọn bài học (Deep Linking) để hoạt động mang theo mã bài học.',
    'lti.reason.LAUNCH_TOKEN_MISSING': 'Trang này chỉ mở được từ LMS của trường.',
    'lti.fix.LAUNCH_TOKEN_MISSING': 'Quay lại LMS và mở lại hoạt động.',
    'lti.reason.LAUNCH_TOKEN_INVALID': 'Đường dẫn của phiên học không hợp lệ.',
    'lti.fix.LAUNCH_TOKEN_INVALID': 'Quay lại LMS và mở lại hoạt động.',
    'lti.reason.LAUNCH_EXPIRED': 'Phiên học đã hết hạn.',
    'lti.fix.LAUNCH_EXPIRED': 'Quay lại LMS và mở lại hoạt động.',
    'lti.reason.NOT_DEEP_LINKING': 'Trang chọn bài chỉ mở được khi thêm hoạt động từ LMS.',
    'lti.fix.NOT_DEEP_LINKING': 'Trong LMS, thêm hoạt động SafeNest mới và chọn bài học.',
    'lti.reason.DYNREG_FAILED': 'Đăng ký tự động (Dynamic Registration) không thành công.',
    'lti.fix.DYNREG_FAILED':
      'Kiểm tra địa chỉ openid_configuration và mã đăng ký (registration_token) còn hiệu lực, rồi thử lại.',
    'lti.reason.REGISTRATION_NOT_FOUND': 'Không tìm thấy đăng ký LTI này.',
    'lti.fix.REGISTRATION_NOT_FOUND': 'Tải lại danh sách đăng ký.',
    'lti.reason.SANDBOX_DISABLED': 'LMS thử nghiệm bị tắt trên máy chủ này.',
    'lti.fix.SANDBOX_DISABLED':
      'Bật SANDBOX_ENABLED (không dùng được trong môi trường production).',
    'errors.LAUNCH_TOKEN_MISSING':
      'Trang này chỉ mở được từ LMS của trường. Hãy quay lại LMS và mở lại hoạt động.',
    'errors.LAUNCH_TOKEN_INVALID':
      'Đường dẫn của phiên học không hợp lệ. Hãy quay lại LMS và mở lại hoạt động.',
    'errors.LAUNCH_EXPIRED': 'Phiên học đã hết hạn. Hãy quay lại LMS và mở lại hoạt động.',
    'errors.NOT_DEEP_LINKING': 'Trang chọn bài chỉ mở được khi thêm hoạt động từ LMS.',
    'errors.REGISTRATION_NOT_FOUND': 'Không tìm thấy đăng ký LTI này.',
    'errors.SANDBOX_DISABLED': 'LMS thử nghiệm bị tắt trên máy chủ này.',
    'lti.storage.checking': 'Đang xác nhận lượt đăng nhập với LMS…',
    'lti.storage.continue': 'Tiếp tục',
    'lti.dynreg.done': 'Đã đăng ký SafeNest với LMS. Bạn có thể đóng cửa sổ này.',
    'lti.dynreg.pending':
      'Đã đăng ký SafeNest với LMS. Đăng ký sẽ dùng được khi quản trị SafeNest kích hoạt.',
    'lti.dl.title': 'Chọn bài học SafeNest',
    'lti.dl.intro': 'Chọn bài học để thêm vào lớp {context}. Điểm bài kiểm tra sẽ tự về sổ điểm.',
    'lti.dl.filter': 'Lọc bài học',
    'lti.dl.search': 'Tìm theo tên',
    'lti.dl.band': 'Lứa tuổi',
    'lti.dl.topic': 'Chủ đề',
    'lti.dl.language': 'Ngôn ngữ',
    'lti.dl.any': 'Tất cả',
    'lti.dl.apply': 'Lọc',
    'lti.dl.minutes': '{n} phút',
    'lti.dl.points': '{n} điểm',
    'lti.dl.grades': 'Lớp {grades}',
    'lti.dl.none': 'Không có bài học nào khớp bộ lọc.',
    'lti.dl.add': 'Thêm bài đã chọn vào lớp',
    'lti.dl.addOne': 'Thêm bài này vào lớp',
    'lti.dl.multiple': 'Có thể chọn nhiều bài.',
    'lti.dl.single': 'Chọn một bài.',
    'lti.dl.nothingChosen': 'Hãy chọn ít nhất một bài học.',
    'lti.dl.returning': 'Đang gửi lựa chọn về LMS…',
    'lti.dl.send': 'Gửi về LMS',
    'lti.admin.title': 'Đăng ký LTI',
    'lti.admin.intro':
      'Các LMS đã đăng ký với SafeNest, trạng thái và trường học mà mỗi bản triển khai thuộc về.',
    'lti.admin.registerUrl': 'Địa chỉ đăng ký tự động (Dynamic Registration)',
    'lti.admin.platform': 'LMS',
    'lti.admin.issuer': 'Issuer',
    'lti.admin.clientId': 'Client ID',
    'lti.admin.status': 'Trạng thái',
    'lti.admin.active': 'Đang hoạt động',
    'lti.admin.inactive': 'Chưa kích hoạt',
    'lti.admin.activate': 'Kích hoạt',
    'lti.admin.deactivate': 'Ngừng hoạt động',
    'lti.admin.deployments': 'Bản triển khai',
    'lti.admin.deploymentId': 'Deployment ID',
    'lti.admin.orgNode': 'Đơn vị',
    'lti.admin.unassigned': 'Chưa gắn (đang chờ)',
    'lti.admin.bind': 'Gắn với đơn vị',
    'lti.admin.orgCode': 'Mã đơn vị',
    'lti.admin.none': 'Chưa có LMS nào đăng ký.',
    'lti.admin.unassignedBucket': 'Hoạt động chưa gắn đơn vị',
    'lti.admin.unassignedCount': '{n} lớp đang chờ gắn với trường.',
    'lti.admin.saved': 'Đã lưu.',
    'lti.admin.unknownOrg': 'Không có đơn vị với mã {code}.',
  },
  en: {
    'lti.error.title': 'SafeNest could not open',
    'lti.error.fixHeading': 'What the LMS administrator can do',
    'lti.error.reasonCode': 'Reason code',
    'lti.error.newWindow': 'Open in a new window',
    'lti.error.returnToLms': 'Back to the LMS',
    'lti.reason.LOGIN_PARAMS_MISSING': 'The login request from the LMS lacks required parameters.',
    'lti.fix.LOGIN_PARAMS_MISSING':
      'Check that the tool\'s "Initiate login URL" is {base}/lti/login and that the LMS sends iss, login_hint and target_link_uri.',
    'lti.reason.PLATFORM_UNKNOWN': 'SafeNest does not know this LMS (it is not registered).',
    'lti.fix.PLATFORM_UNKNOWN':
      'Register the LMS with SafeNest by Dynamic Registration at {base}/lti/register, or ask the SafeNest administrator to add it by hand (issuer and client ID must match).',
    'lti.reason.PLATFORM_INACTIVE': 'This LMS is registered but not activated yet.',
    'lti.fix.PLATFORM_INACTIVE':
      'Ask the SafeNest administrator to activate this registration on the LTI registrations page.',
    'lti.reason.TARGET_LINK_INVALID': 'The launch target is not a SafeNest address.',
    'lti.fix.TARGET_LINK_INVALID':
      'Set the tool\'s "Target link URI" / "Redirection URI" to {base}/lti/launch.',
    'lti.reason.ID_TOKEN_MISSING': 'The LMS did not send an id_token with the launch.',
    'lti.fix.ID_TOKEN_MISSING': 'Check that the LMS form-posts the id_token to {base}/lti/launch.',
    'lti.reason.JWT_MALFORMED': 'The sign-in data sent by the LMS cannot be read.',
    'lti.fix.JWT_MALFORMED': 'The LMS must send an id_token as a JWT signed with RS256.',
    'lti.reason.JWT_ALG_NOT_ALLOWED': 'The sign-in data is not signed with RS256.',
    'lti.fix.JWT_ALG_NOT_ALLOWED': 'LTI 1.3 allows RS256 only; check the LMS key settings.',
    'lti.reason.JWT_KID_UNKNOWN':
      "The LMS's signing key is not in the LMS's public key set (JWKS).",
    'lti.fix.JWT_KID_UNKNOWN':
      'Check the LMS public keyset URL registered with SafeNest, and that the LMS publishes its current key.',
    'lti.reason.JWT_SIGNATURE_INVALID': 'The signature of the sign-in data is not valid.',
    'lti.fix.JWT_SIGNATURE_INVALID':
      'The registered public key does not match the key the LMS signs with. Update the LMS key or JWKS URL.',
    'lti.reason.JWT_EXPIRED': 'The sign-in data expired before it reached SafeNest.',
    'lti.fix.JWT_EXPIRED':
      "Launch again. If it keeps happening, check the LMS server's clock (NTP) and network delays.",
    'lti.reason.JWT_IAT_IN_FUTURE': 'The sign-in data says it was issued in the future.',
    'lti.fix.JWT_IAT_IN_FUTURE': "The LMS server's clock runs fast; synchronise it (NTP).",
    'lti.reason.JWT_AUD_MISMATCH': 'The sign-in data was issued for another tool.',
    'lti.fix.JWT_AUD_MISMATCH':
      "The client ID registered with SafeNest must match the tool's client ID in the LMS.",
    'lti.reason.JWT_ISS_MISMATCH':
      'The sign-in data comes from another LMS than the one that started the login.',
    'lti.fix.JWT_ISS_MISMATCH': 'Check the issuer (platform ID) registered with SafeNest.',
    'lti.reason.PLATFORM_KEYS_UNAVAILABLE': "SafeNest could not load the LMS's public keys.",
    'lti.fix.PLATFORM_KEYS_UNAVAILABLE':
      'Check that the LMS JWKS URL is reachable from the SafeNest server, then try again.',
    'lti.reason.STATE_MISSING': 'The launch lacks its state parameter.',
    'lti.fix.STATE_MISSING': 'The LMS must return the state it received at login unchanged.',
    'lti.reason.STATE_UNKNOWN': 'This login does not exist or has expired (after 10 minutes).',
    'lti.fix.STATE_UNKNOWN': 'Launch the activity again from the LMS.',
    'lti.reason.STATE_COOKIE_MISSING':
      "The browser blocked SafeNest's cookie inside the LMS frame, so the login could not be confirmed.",
    'lti.fix.STATE_COOKIE_MISSING':
      'Use "Open in a new window". The LMS administrator can set the tool to open in a new window, or use an LMS that offers LTI platform storage (lti_storage_target).',
    'lti.reason.STATE_COOKIE_MISMATCH': "The launch does not match this browser's login.",
    'lti.fix.STATE_COOKIE_MISMATCH': 'Launch the activity again from the LMS in the same browser.',
    'lti.reason.NONCE_MISMATCH': 'The one-time code (nonce) does not match the login.',
    'lti.fix.NONCE_MISMATCH':
      'The LMS must return the nonce SafeNest sent in its authentication request.',
    'lti.reason.NONCE_REUSED': 'This launch was already used (perhaps a form sent twice).',
    'lti.fix.NONCE_REUSED':
      "Launch again from the LMS; do not resend with the browser's Back button.",
    'lti.reason.DEPLOYMENT_UNKNOWN': 'This deployment of the tool is not registered.',
    'lti.fix.DEPLOYMENT_UNKNOWN':
      'Ask the SafeNest administrator to add this deployment ID for the LMS (deployment:bind, or the registrations page).',
    'lti.reason.CLAIM_MISSING': 'The data sent by the LMS lacks a required field: {claim}.',
    'lti.fix.CLAIM_MISSING':
      'Configure the LMS to send every required LTI 1.3 claim for this message type.',
    'lti.reason.LTI_VERSION_UNSUPPORTED': 'SafeNest supports LTI 1.3.0 only.',
    'lti.fix.LTI_VERSION_UNSUPPORTED': 'Configure the tool in the LMS as an LTI 1.3 tool.',
    'lti.reason.MESSAGE_TYPE_UNSUPPORTED': 'This kind of LTI message is not supported.',
    'lti.fix.MESSAGE_TYPE_UNSUPPORTED':
      'SafeNest accepts LtiResourceLinkRequest and LtiDeepLinkingRequest.',
    'lti.reason.LINK_WITHOUT_MODULE': 'This activity is not linked to a SafeNest lesson yet.',
    'lti.fix.LINK_WITHOUT_MODULE':
      'The teacher should add the activity by choosing a lesson (Deep Linking) so that it carries the lesson id.',
    'lti.reason.LAUNCH_TOKEN_MISSING': "This page opens only from the school's LMS.",
    'lti.fix.LAUNCH_TOKEN_MISSING': 'Go back to the LMS and open the activity again.',
    'lti.reason.LAUNCH_TOKEN_INVALID': 'The session link is not valid.',
    'lti.fix.LAUNCH_TOKEN_INVALID': 'Go back to the LMS and open the activity again.',
    'lti.reason.LAUNCH_EXPIRED': 'The session has expired.',
    'lti.fix.LAUNCH_EXPIRED': 'Go back to the LMS and open the activity again.',
    'lti.reason.NOT_DEEP_LINKING':
      'The lesson picker opens only when adding an activity from the LMS.',
    'lti.fix.NOT_DEEP_LINKING': 'In the LMS, add a new SafeNest activity and choose a lesson.',
    'lti.reason.DYNREG_FAILED': 'Dynamic Registration did not succeed.',
    'lti.fix.DYNREG_FAILED':
      'Check that the openid_configuration URL and the registration_token are still valid, then try again.',
    'lti.reason.REGISTRATION_NOT_FOUND': 'This LTI registration was not found.',
    'lti.fix.REGISTRATION_NOT_FOUND': 'Reload the list of registrations.',
    'lti.reason.SANDBOX_DISABLED': 'The sandbox LMS is turned off on this server.',
    'lti.fix.SANDBOX_DISABLED': 'Set SANDBOX_ENABLED=true (refused in production).',
    'errors.LAUNCH_TOKEN_MISSING':
      "This page opens only from the school's LMS. Go back to the LMS and open the activity again.",
    'errors.LAUNCH_TOKEN_INVALID':
      'The session link is not valid. Go back to the LMS and open the activity again.',
    'errors.LAUNCH_EXPIRED':
      'The session has expired. Go back to the LMS and open the activity again.',
    'errors.NOT_DEEP_LINKING': 'The lesson picker opens only when adding an activity from the LMS.',
    'errors.REGISTRATION_NOT_FOUND': 'This LTI registration was not found.',
    'errors.SANDBOX_DISABLED': 'The sandbox LMS is turned off on this server.',
    'lti.storage.checking': 'Confirming the login with the LMS…',
    'lti.storage.continue': 'Continue',
    'lti.dynreg.done': 'SafeNest is registered with the LMS. You can close this window.',
    'lti.dynreg.pending':
      'SafeNest is registered with the LMS. The registration works once a SafeNest administrator activates it.',
    'lti.dl.title': 'Choose SafeNest lessons',
    'lti.dl.intro':
      'Choose lessons to add to {context}. Quiz scores go to the gradebook by themselves.',
    'lti.dl.filter': 'Filter lessons',
    'lti.dl.search': 'Search by title',
    'lti.dl.band': 'Age band',
    'lti.dl.topic': 'Topic',
    'lti.dl.language': 'Language',
    'lti.dl.any': 'Any',
    'lti.dl.apply': 'Filter',
    'lti.dl.minutes': '{n} min',
    'lti.dl.points': '{n} points',
    'lti.dl.grades': 'Grades {grades}',
    'lti.dl.none': 'No lesson matches the filter.',
    'lti.dl.add': 'Add the chosen lessons to the class',
    'lti.dl.addOne': 'Add this lesson to the class',
    'lti.dl.multiple': 'You can choose several lessons.',
    'lti.dl.single': 'Choose one lesson.',
    'lti.dl.nothingChosen': 'Choose at least one lesson.',
    'lti.dl.returning': 'Sending your choice to the LMS…',
    'lti.dl.send': 'Send to the LMS',
    'lti.admin.title': 'LTI registrations',
    'lti.admin.intro':
      'The LMSs registered with SafeNest, their status, and the school each deployment belongs to.',
    'lti.admin.registerUrl': 'Dynamic Registration URL',
    'lti.admin.platform': 'LMS',
    'lti.admin.issuer': 'Issuer',
    'lti.admin.clientId': 'Client ID',
    'lti.admin.status': 'Status',
    'lti.admin.active': 'Active',
    'lti.admin.inactive': 'Not activated',
    'lti.admin.activate': 'Activate',
    'lti.admin.deactivate': 'Deactivate',
    'lti.admin.deployments': 'Deployments',
    'lti.admin.deploymentId': 'Deployment ID',
    'lti.admin.orgNode': 'Organisation',
    'lti.admin.unassigned': 'Unassigned (waiting)',
    'lti.admin.bind': 'Bind to organisation',
    'lti.admin.orgCode': 'Organisation code',
    'lti.admin.none': 'No LMS is registered yet.',
    'lti.admin.unassignedBucket': 'Unassigned activity',
    'lti.admin.unassignedCount': '{n} classes are waiting to be bound to a school.',
    'lti.admin.saved': 'Saved.',
    'lti.admin.unknownOrg': 'No organisation with code {code}.',
  },
});
