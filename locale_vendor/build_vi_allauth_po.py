#!/usr/bin/env python3
"""Build locale_vendor/vi/LC_MESSAGES/django.po for django-allauth.

Reads allauth's English catalogue (the template of all msgids), keeps every
entry byte-identical (comments, flags, msgctxt, msgid, msgid_plural) and fills
msgstr from the TRANSLATIONS dict below.  Only the account, mfa, usersessions
and generic layout strings are translated; socialaccount, idp/oidc and
headless-only strings are left empty (they fall back to English).

Usage (from the repository root):
    .venv/bin/python locale_vendor/build_vi_allauth_po.py
    cd locale_vendor/vi/LC_MESSAGES && msgfmt -c --statistics -o django.mo django.po
"""

import sys
from pathlib import Path

import allauth

SRC = Path(allauth.__file__).parent / "locale/en/LC_MESSAGES/django.po"
DST = Path(__file__).parent / "vi/LC_MESSAGES/django.po"

# Entries whose source references fall under one of these prefixes are in scope.
SCOPE = (
    "account/",
    "mfa/",
    "usersessions/",
    "templates/account/",
    "templates/mfa/",
    "templates/usersessions/",
    "templates/allauth/",
)

CTX = "\x04"  # key for msgctxt entries: "context\x04msgid"

T = {
    # --- account/adapter.py -------------------------------------------------
    "This account is currently inactive.": "Tài khoản này hiện không hoạt động.",
    "You cannot remove your primary email address.": "Không thể xóa địa chỉ thư điện tử chính của tài khoản.",
    "This email address is already associated with this account.": "Địa chỉ thư điện tử này đã được liên kết với tài khoản.",
    "The email address and/or password you specified are not correct.": "Địa chỉ thư điện tử hoặc mật khẩu không chính xác.",
    "The phone number and/or password you specified are not correct.": "Số điện thoại hoặc mật khẩu không chính xác.",
    "A user is already registered with this email address.": "Địa chỉ thư điện tử này đã được dùng để đăng ký tài khoản.",
    "Please type your current password.": "Vui lòng nhập mật khẩu hiện tại.",
    "Incorrect code.": "Mã không đúng.",
    "Incorrect password.": "Mật khẩu không đúng.",
    "Invalid or expired key.": "Mã xác nhận không hợp lệ hoặc đã hết hạn.",
    "Invalid login.": "Thông tin đăng nhập không hợp lệ.",
    "The password reset token was invalid.": "Mã đặt lại mật khẩu không hợp lệ.",
    "You cannot add more than %d email addresses.": "Không thể thêm quá %d địa chỉ thư điện tử.",
    "A user is already registered with this phone number.": "Số điện thoại này đã được dùng để đăng ký tài khoản.",
    "Too many failed login attempts. Try again later.": "Đăng nhập không thành công quá nhiều lần. Vui lòng thử lại sau.",
    "The email address is not assigned to any user account.": "Địa chỉ thư điện tử này không gắn với tài khoản nào.",
    "The phone number is not assigned to any user account.": "Số điện thoại này không gắn với tài khoản nào.",
    "Your primary email address must be verified.": "Địa chỉ thư điện tử chính phải được xác thực.",
    "Username can not be used. Please use other username.": "Không thể sử dụng tên đăng nhập này. Vui lòng chọn tên đăng nhập khác.",
    "The username and/or password you specified are not correct.": "Tên đăng nhập hoặc mật khẩu không chính xác.",
    "Please select only one.": "Vui lòng chỉ chọn một mục.",
    "The new value must be different from the current one.": "Giá trị mới phải khác giá trị hiện tại.",
    "Be patient, you are sending too many requests.": "Đã gửi quá nhiều yêu cầu. Vui lòng chờ trong giây lát rồi thử lại.",
    "Use your password": "Sử dụng mật khẩu",
    "Use authenticator app or code": "Sử dụng ứng dụng xác thực hoặc mã",
    "Use a security key": "Sử dụng khóa bảo mật",
    # --- account/admin.py, apps.py, fields.py -------------------------------
    "Marked {email} as verified.": "Đã đánh dấu {email} là đã xác thực.",
    "Failed to mark {email} as verified.": "Không thể đánh dấu {email} là đã xác thực.",
    "Mark selected email addresses as verified": "Đánh dấu các địa chỉ thư điện tử đã chọn là đã xác thực",
    "Accounts": "Tài khoản",
    "Email": "Thư điện tử",
    "Email address": "Địa chỉ thư điện tử",
    "Enter a phone number including country code (e.g. +1 for the US).": "Nhập số điện thoại kèm mã quốc gia (ví dụ: +84 đối với Việt Nam).",
    "Phone": "Số điện thoại",
    # --- account/forms.py ---------------------------------------------------
    "You must type the same password each time.": "Mật khẩu nhập lại không khớp.",
    "Password": "Mật khẩu",
    "Remember Me": "Ghi nhớ đăng nhập",
    "Username": "Tên đăng nhập",
    "field label" + CTX + "Login": "Tên đăng nhập",
    "Username, email or phone": "Tên đăng nhập, thư điện tử hoặc số điện thoại",
    "Username or email": "Tên đăng nhập hoặc thư điện tử",
    "Username or phone": "Tên đăng nhập hoặc số điện thoại",
    "Email or phone": "Thư điện tử hoặc số điện thoại",
    "Forgot your password?": "Quên mật khẩu?",
    "Email (again)": "Thư điện tử (nhập lại)",
    "Email address confirmation": "Xác nhận địa chỉ thư điện tử",
    "Email (optional)": "Thư điện tử (không bắt buộc)",
    "Username (optional)": "Tên đăng nhập (không bắt buộc)",
    "You must type the same email each time.": "Thư điện tử nhập lại không khớp.",
    "Password (again)": "Mật khẩu (nhập lại)",
    "Current Password": "Mật khẩu hiện tại",
    "New Password": "Mật khẩu mới",
    "New Password (again)": "Mật khẩu mới (nhập lại)",
    "Code": "Mã xác thực",
    # --- account/models.py --------------------------------------------------
    "user": "người dùng",
    "email address": "địa chỉ thư điện tử",
    "verified": "đã xác thực",
    "primary": "chính",
    "email addresses": "địa chỉ thư điện tử",
    "created": "thời điểm tạo",
    "sent": "thời điểm gửi",
    "key": "mã khóa",
    "email confirmation": "xác nhận thư điện tử",
    "email confirmations": "xác nhận thư điện tử",
    # --- mfa ------------------------------------------------------------------
    "You cannot add an email address to an account protected by two-factor authentication.": "Không thể thêm địa chỉ thư điện tử vào tài khoản đang được bảo vệ bằng xác thực hai lớp.",
    "You cannot deactivate two-factor authentication.": "Không thể tắt xác thực hai lớp.",
    "You cannot generate recovery codes without having two-factor authentication enabled.": "Không thể tạo mã khôi phục khi chưa bật xác thực hai lớp.",
    "You cannot activate two-factor authentication until you have verified your email address.": "Chỉ có thể bật xác thực hai lớp sau khi đã xác thực địa chỉ thư điện tử.",
    "Master key": "Khóa chính",
    "Backup key": "Khóa dự phòng",
    "Key nr. {number}": "Khóa số {number}",
    "MFA": "Xác thực đa yếu tố",
    "Recovery codes": "Mã khôi phục",
    "TOTP Authenticator": "Ứng dụng xác thực TOTP",
    "WebAuthn": "WebAuthn",
    "Authenticator code": "Mã từ ứng dụng xác thực",
    "Passwordless": "Không dùng mật khẩu",
    "Enabling passwordless operation allows you to sign in using just this key, but imposes additional requirements such as biometrics or PIN protection.": "Khi bật chế độ không dùng mật khẩu, Ông/Bà có thể đăng nhập chỉ bằng khóa này, nhưng khóa phải đáp ứng thêm yêu cầu như xác thực sinh trắc học hoặc bảo vệ bằng mã PIN.",
    "Key": "Khóa",
    "Cancel": "Hủy",
    # --- templates/account ----------------------------------------------------
    "Account Inactive": "Tài khoản không hoạt động",
    "This account is inactive.": "Tài khoản này không hoạt động.",
    "We've sent a code to %(recipient)s. The code expires shortly, so please enter it soon.": "Mã đã được gửi tới %(recipient)s. Mã có hiệu lực trong thời gian ngắn, vui lòng nhập mã ngay.",
    "Confirm": "Xác nhận",
    "Request new code": "Yêu cầu mã mới",
    "Confirm Access": "Xác nhận truy cập",
    "Please reauthenticate to safeguard your account.": "Vui lòng xác thực lại để bảo đảm an toàn cho tài khoản.",
    "Alternative options": "Phương thức khác",
    "Email Verification": "Xác thực thư điện tử",
    "Enter Email Verification Code": "Nhập mã xác thực thư điện tử",
    "Use a different email address": "Sử dụng địa chỉ thư điện tử khác",
    "Sign In": "Đăng nhập",
    "Enter Sign-In Code": "Nhập mã đăng nhập",
    "Password Reset": "Đặt lại mật khẩu",
    "Enter Password Reset Code": "Nhập mã đặt lại mật khẩu",
    "Phone Verification": "Xác thực số điện thoại",
    "Enter Phone Verification Code": "Nhập mã xác thực số điện thoại",
    "Use a different phone number": "Sử dụng số điện thoại khác",
    "Email Addresses": "Địa chỉ thư điện tử",
    "The following email addresses are associated with your account:": "Các địa chỉ thư điện tử sau đây đã được liên kết với tài khoản:",
    "Verified": "Đã xác thực",
    "Unverified": "Chưa xác thực",
    "Primary": "Địa chỉ chính",
    "Make Primary": "Đặt làm địa chỉ chính",
    "Re-send Verification": "Gửi lại yêu cầu xác thực",
    "Remove": "Xóa",
    "Add Email Address": "Thêm địa chỉ thư điện tử",
    "Add Email": "Thêm thư điện tử",
    "Do you really want to remove the selected email address?": "Ông/Bà có chắc chắn muốn xóa địa chỉ thư điện tử đã chọn không?",
    "You are receiving this email because you or someone else tried to signup for an\n"
    "account using email address:\n\n%(email)s\n\n"
    "However, an account using that email address already exists.  In case you have\n"
    "forgotten about this, please use the password forgotten procedure to recover\n"
    "your account:\n\n%(password_reset_url)s": "Ông/Bà nhận được thư này vì Ông/Bà hoặc một người khác đã đăng ký tài khoản\n"
    "bằng địa chỉ thư điện tử:\n\n%(email)s\n\n"
    "Tuy nhiên, đã có tài khoản sử dụng địa chỉ thư điện tử này. Nếu Ông/Bà đã quên\n"
    "mật khẩu, vui lòng sử dụng chức năng quên mật khẩu để khôi phục tài khoản:\n\n"
    "%(password_reset_url)s",
    "Account Already Exists": "Tài khoản đã tồn tại",
    "Hello from %(site_name)s!": "%(site_name)s trân trọng kính chào Ông/Bà!",
    "Thank you for using %(site_name)s!\n%(site_domain)s": "Trân trọng cảm ơn Ông/Bà đã sử dụng %(site_name)s!\n%(site_domain)s",
    "You are receiving this mail because the following change was made to your account:": "Ông/Bà nhận được thư này vì tài khoản vừa có thay đổi sau:",
    "If you do not recognize this change then please take proper security precautions immediately. The change to your account originates from:\n\n"
    "- IP address: %(ip)s\n- Browser: %(user_agent)s\n- Date: %(timestamp)s": "Nếu Ông/Bà không thực hiện thay đổi này, vui lòng áp dụng ngay các biện pháp bảo mật cần thiết. Thay đổi được thực hiện từ:\n\n"
    "- Địa chỉ IP: %(ip)s\n- Trình duyệt: %(user_agent)s\n- Thời gian: %(timestamp)s",
    "Your email has been changed from %(from_email)s to %(to_email)s.": "Địa chỉ thư điện tử đã được thay đổi từ %(from_email)s sang %(to_email)s.",
    "Email Changed": "Đã thay đổi thư điện tử",
    "Your email has been confirmed.": "Địa chỉ thư điện tử đã được xác nhận.",
    "Email Confirmation": "Xác nhận thư điện tử",
    "You're receiving this email because user %(user_display)s has given your email address to register an account on %(site_domain)s.": "Ông/Bà nhận được thư này vì người dùng %(user_display)s đã sử dụng địa chỉ thư điện tử này để đăng ký tài khoản trên %(site_domain)s.",
    "Your email verification code is listed below. Please enter it in your open browser window.": "Mã xác thực thư điện tử được ghi dưới đây. Vui lòng nhập mã vào cửa sổ trình duyệt đang mở.",
    "To confirm this is correct, go to %(activate_url)s": "Để xác nhận thông tin này, vui lòng truy cập %(activate_url)s",
    "Please Confirm Your Email Address": "Vui lòng xác nhận địa chỉ thư điện tử",
    "Email address %(deleted_email)s has been removed from your account.": "Địa chỉ thư điện tử %(deleted_email)s đã được gỡ khỏi tài khoản.",
    "Email Removed": "Đã gỡ địa chỉ thư điện tử",
    "Your sign-in code is listed below. Please enter it in your open browser window.": "Mã đăng nhập được ghi dưới đây. Vui lòng nhập mã vào cửa sổ trình duyệt đang mở.",
    "This mail can be safely ignored if you did not initiate this action.": "Nếu Ông/Bà không thực hiện thao tác này, xin vui lòng bỏ qua thư này.",
    "Sign-In Code": "Mã đăng nhập",
    "Your password has been changed.": "Mật khẩu đã được thay đổi.",
    "Password Changed": "Đã thay đổi mật khẩu",
    "Your password reset code is listed below. Please enter it in your open browser window.": "Mã đặt lại mật khẩu được ghi dưới đây. Vui lòng nhập mã vào cửa sổ trình duyệt đang mở.",
    "Password Reset Code": "Mã đặt lại mật khẩu",
    "You're receiving this email because you or someone else has requested a password reset for your user account.\n"
    "It can be safely ignored if you did not request a password reset. Click the link below to reset your password.": "Ông/Bà nhận được thư này vì Ông/Bà hoặc một người khác đã yêu cầu đặt lại mật khẩu cho tài khoản.\n"
    "Nếu Ông/Bà không yêu cầu đặt lại mật khẩu, xin vui lòng bỏ qua thư này. Nhấn vào liên kết dưới đây để đặt lại mật khẩu.",
    "In case you forgot, your username is %(username)s.": "Xin nhắc lại, tên đăng nhập của Ông/Bà là %(username)s.",
    "Password Reset Email": "Thư đặt lại mật khẩu",
    "Your password has been reset.": "Mật khẩu đã được đặt lại.",
    "Your password has been set.": "Mật khẩu đã được thiết lập.",
    "Password Set": "Đã thiết lập mật khẩu",
    "You are receiving this email because you, or someone else, tried to access an account with email %(email)s. However, we do not have any record of such an account in our database.": "Ông/Bà nhận được thư này vì Ông/Bà hoặc một người khác đã cố truy cập tài khoản với địa chỉ thư điện tử %(email)s. Tuy nhiên, hệ thống không có tài khoản nào như vậy.",
    "If it was you, you can sign up for an account using the link below.": "Nếu đó là Ông/Bà, Ông/Bà có thể đăng ký tài khoản qua liên kết dưới đây.",
    "Unknown Account": "Tài khoản không tồn tại",
    "Email Address": "Địa chỉ thư điện tử",
    "Current email": "Thư điện tử hiện tại",
    "Changing to": "Đang đổi sang",
    "Your email address is still pending verification.": "Địa chỉ thư điện tử đang chờ xác thực.",
    "Cancel Change": "Hủy thay đổi",
    "Change to": "Đổi sang",
    "Change Email": "Đổi thư điện tử",
    "Confirm Email Address": "Xác nhận địa chỉ thư điện tử",
    'Please confirm that <a href="mailto:%(email)s">%(email)s</a> is an email address for user %(user_display)s.': 'Vui lòng xác nhận <a href="mailto:%(email)s">%(email)s</a> là địa chỉ thư điện tử của người dùng %(user_display)s.',
    "Unable to confirm %(email)s because it is already confirmed by a different account.": "Không thể xác nhận %(email)s vì địa chỉ này đã được xác nhận bởi một tài khoản khác.",
    'This email confirmation link expired or is invalid. Please <a href="%(email_url)s">issue a new email confirmation request</a>.': 'Liên kết xác nhận thư điện tử đã hết hạn hoặc không hợp lệ. Vui lòng <a href="%(email_url)s">gửi yêu cầu xác nhận thư điện tử mới</a>.',
    "If you have not created an account yet, then please %(link)ssign up%(end_link)s first.": "Nếu chưa có tài khoản, vui lòng %(link)sđăng ký%(end_link)s trước.",
    "Sign in with a passkey": "Đăng nhập bằng khóa truy cập (passkey)",
    "Send me a sign-in code": "Gửi mã đăng nhập cho tôi",
    "Sign Out": "Đăng xuất",
    "Are you sure you want to sign out?": "Ông/Bà có chắc chắn muốn đăng xuất không?",
    "You cannot remove your primary email address (%(email)s).": "Không thể xóa địa chỉ thư điện tử chính (%(email)s).",
    "Confirmation email sent to %(email)s.": "Đã gửi thư xác nhận tới %(email)s.",
    "You have confirmed %(email)s.": "Đã xác nhận địa chỉ thư điện tử %(email)s.",
    "Removed email address %(email)s.": "Đã xóa địa chỉ thư điện tử %(email)s.",
    "Successfully signed in as %(name)s.": "Đăng nhập thành công với tài khoản %(name)s.",
    "You have signed out.": "Đã đăng xuất.",
    "A sign-in code has been sent to %(recipient)s.": "Mã đăng nhập đã được gửi tới %(recipient)s.",
    "Password successfully changed.": "Đổi mật khẩu thành công.",
    "Password successfully set.": "Thiết lập mật khẩu thành công.",
    "A verification code has been sent to %(phone)s.": "Mã xác thực đã được gửi tới %(phone)s.",
    "You have verified phone number %(phone)s.": "Đã xác thực số điện thoại %(phone)s.",
    "Primary email address set.": "Đã đặt địa chỉ thư điện tử chính.",
    "Change Password": "Đổi mật khẩu",
    "Forgot Password?": "Quên mật khẩu?",
    "Forgotten your password? Enter your email address below, and we'll send you an email allowing you to reset it.": "Quên mật khẩu? Vui lòng nhập địa chỉ thư điện tử dưới đây, hệ thống sẽ gửi thư hướng dẫn đặt lại mật khẩu.",
    "Reset My Password": "Đặt lại mật khẩu",
    "Please contact us if you have any trouble resetting your password.": "Vui lòng liên hệ với chúng tôi nếu gặp khó khăn khi đặt lại mật khẩu.",
    "We have sent you an email. If you have not received it please check your spam folder. Otherwise contact us if you do not receive it in a few minutes.": "Hệ thống đã gửi thư tới Ông/Bà. Nếu chưa nhận được, vui lòng kiểm tra thư mục thư rác. Nếu sau vài phút vẫn không nhận được thư, vui lòng liên hệ với chúng tôi.",
    "Bad Token": "Liên kết không hợp lệ",
    'The password reset link was invalid, possibly because it has already been used.  Please request a <a href="%(passwd_reset_url)s">new password reset</a>.': 'Liên kết đặt lại mật khẩu không hợp lệ, có thể do đã được sử dụng. Vui lòng <a href="%(passwd_reset_url)s">yêu cầu đặt lại mật khẩu mới</a>.',
    "Your password is now changed.": "Mật khẩu đã được thay đổi.",
    "Set Password": "Thiết lập mật khẩu",
    "Change Phone": "Đổi số điện thoại",
    "action" + CTX + "Change Phone": "Đổi số điện thoại",
    "Current phone": "Số điện thoại hiện tại",
    "Your phone number is still pending verification.": "Số điện thoại đang chờ xác thực.",
    "Enter your password:": "Nhập mật khẩu:",
    "You will receive a special code for a password-free sign-in.": "Ông/Bà sẽ nhận được mã dùng một lần để đăng nhập không cần mật khẩu.",
    "Request Code": "Nhận mã",
    "Other sign-in options": "Phương thức đăng nhập khác",
    "Signup": "Đăng ký",
    "Sign Up": "Đăng ký",
    "Already have an account? Then please %(link)ssign in%(end_link)s.": "Đã có tài khoản? Vui lòng %(link)sđăng nhập%(end_link)s.",
    "Sign up using a passkey": "Đăng ký bằng khóa truy cập (passkey)",
    "Passkey Sign Up": "Đăng ký bằng khóa truy cập (passkey)",
    "Other options": "Phương thức khác",
    "Sign Up Closed": "Tạm dừng đăng ký",
    "We are sorry, but the sign up is currently closed.": "Rất tiếc, chức năng đăng ký tài khoản hiện đang tạm dừng.",
    "Note": "Lưu ý",
    "You are already logged in as %(user_display)s.": "Ông/Bà đang đăng nhập với tài khoản %(user_display)s.",
    "Warning:": "Cảnh báo:",
    "You currently do not have any email address set up. You should really add an email address so you can receive notifications, reset your password, etc.": "Tài khoản hiện chưa có địa chỉ thư điện tử. Ông/Bà nên thêm địa chỉ thư điện tử để nhận thông báo, đặt lại mật khẩu, v.v.",
    "Verify Your Email Address": "Xác thực địa chỉ thư điện tử",
    "We have sent an email to you for verification. Follow the link provided to finalize the signup process. If you do not see the verification email in your main inbox, check your spam folder. Please contact us if you do not receive the verification email within a few minutes.": "Hệ thống đã gửi thư xác thực tới Ông/Bà. Vui lòng nhấn vào liên kết trong thư để hoàn tất việc đăng ký. Nếu không thấy thư xác thực trong hộp thư đến, vui lòng kiểm tra thư mục thư rác. Nếu sau vài phút vẫn không nhận được thư xác thực, vui lòng liên hệ với chúng tôi.",
    "This part of the site requires us to verify that\nyou are who you claim to be. For this purpose, we require that you\nverify ownership of your email address. ": "Để sử dụng chức năng này, hệ thống cần xác minh danh tính của Ông/Bà.\nVì vậy, Ông/Bà cần xác thực quyền sở hữu\nđịa chỉ thư điện tử. ",
    "We have sent an email to you for\nverification. Please click on the link inside that email. If you do not see the verification email in your main inbox, check your spam folder. Otherwise\ncontact us if you do not receive it within a few minutes.": "Hệ thống đã gửi thư xác thực tới Ông/Bà.\nVui lòng nhấn vào liên kết trong thư. Nếu không thấy thư xác thực trong hộp thư đến, vui lòng kiểm tra thư mục thư rác.\nNếu sau vài phút vẫn không nhận được thư, vui lòng liên hệ với chúng tôi.",
    '<strong>Note:</strong> you can still <a href="%(email_url)s">change your email address</a>.': '<strong>Lưu ý:</strong> Ông/Bà vẫn có thể <a href="%(email_url)s">thay đổi địa chỉ thư điện tử</a>.',
    # --- templates/allauth/layouts/base.html (menu) ---------------------------
    "Messages:": "Thông báo:",
    "Menu:": "Danh mục:",
    "Account Connections": "Tài khoản liên kết",
    "Two-Factor Authentication": "Xác thực hai lớp",
    "Sessions": "Phiên đăng nhập",
    # --- templates/mfa ----------------------------------------------------------
    "Your account is protected by two-factor authentication. Please enter an authenticator code:": "Tài khoản được bảo vệ bằng xác thực hai lớp. Vui lòng nhập mã từ ứng dụng xác thực:",
    "A new set of Two-Factor Authentication recovery codes has been generated.": "Bộ mã khôi phục mới cho xác thực hai lớp đã được tạo.",
    "New Recovery Codes Generated": "Đã tạo bộ mã khôi phục mới",
    "Authenticator app activated.": "Đã kích hoạt ứng dụng xác thực.",
    "Authenticator App Activated": "Đã kích hoạt ứng dụng xác thực",
    "Authenticator app deactivated.": "Đã hủy kích hoạt ứng dụng xác thực.",
    "Authenticator App Deactivated": "Đã hủy kích hoạt ứng dụng xác thực",
    "A new security key has been added.": "Đã thêm một khóa bảo mật mới.",
    "Security Key Added": "Đã thêm khóa bảo mật",
    "A security key has been removed.": "Đã xóa một khóa bảo mật.",
    "Security Key Removed": "Đã xóa khóa bảo mật",
    "Authenticator App": "Ứng dụng xác thực",
    "Authentication using an authenticator app is active.": "Xác thực bằng ứng dụng xác thực đang được bật.",
    "An authenticator app is not active.": "Chưa kích hoạt ứng dụng xác thực.",
    "Deactivate": "Hủy kích hoạt",
    "Activate": "Kích hoạt",
    "Security Keys": "Khóa bảo mật",
    (
        "You have added %(count)s security key.",
        "You have added %(count)s security keys.",
    ): "Đã thêm %(count)s khóa bảo mật.",
    "No security keys have been added.": "Chưa có khóa bảo mật nào được thêm.",
    "Manage": "Quản lý",
    "Add": "Thêm",
    "Recovery Codes": "Mã khôi phục",
    (
        "There is %(unused_count)s out of %(total_count)s recovery codes available.",
        "There are %(unused_count)s out of %(total_count)s recovery codes available.",
    ): "Còn %(unused_count)s trên tổng số %(total_count)s mã khôi phục chưa sử dụng.",
    "No recovery codes set up.": "Chưa thiết lập mã khôi phục.",
    "View": "Xem",
    "Download": "Tải xuống",
    "Generate": "Tạo mã",
    "A new set of recovery codes has been generated.": "Đã tạo bộ mã khôi phục mới.",
    "Save them  in a secure location now — they won't be shown again.": "Vui lòng lưu các mã này ở nơi an toàn ngay bây giờ — các mã sẽ không được hiển thị lại.",
    "Security key added.": "Đã thêm khóa bảo mật.",
    "Security key removed.": "Đã xóa khóa bảo mật.",
    "Enter an authenticator code:": "Nhập mã từ ứng dụng xác thực:",
    "You are about to generate a new set of recovery codes for your account.": "Hệ thống sẽ tạo bộ mã khôi phục mới cho tài khoản.",
    "This action will invalidate your existing codes.": "Thao tác này sẽ làm các mã hiện có mất hiệu lực.",
    "Are you sure?": "Ông/Bà có chắc chắn không?",
    "Unused codes": "Mã chưa sử dụng",
    "Download codes": "Tải xuống mã",
    "Generate new codes": "Tạo mã mới",
    "I have saved my recovery codes": "Tôi đã lưu mã khôi phục",
    "Activate Authenticator App": "Kích hoạt ứng dụng xác thực",
    "To protect your account with two-factor authentication, scan the QR code below with your authenticator app. Then, input the verification code generated by the app below.": "Để bảo vệ tài khoản bằng xác thực hai lớp, vui lòng dùng ứng dụng xác thực quét mã QR dưới đây, sau đó nhập mã xác thực do ứng dụng tạo ra vào ô bên dưới.",
    "Authenticator secret": "Khóa bí mật của ứng dụng xác thực",
    "You can store this secret and use it to reinstall your authenticator app at a later time.": "Ông/Bà có thể lưu khóa bí mật này để cài đặt lại ứng dụng xác thực sau này.",
    "Deactivate Authenticator App": "Hủy kích hoạt ứng dụng xác thực",
    "You are about to deactivate authenticator app based authentication. Are you sure?": "Ông/Bà sắp hủy kích hoạt xác thực bằng ứng dụng xác thực. Ông/Bà có chắc chắn không?",
    "Trust this Browser?": "Tin cậy trình duyệt này?",
    "If you choose to trust this browser, you will not be asked for a verification code the next time you sign in.": "Nếu chọn tin cậy trình duyệt này, Ông/Bà sẽ không phải nhập mã xác thực trong lần đăng nhập tiếp theo.",
    "Trust for %(period)s": "Tin cậy trong %(period)s",
    "Don't Trust": "Không tin cậy",
    "Add Security Key": "Thêm khóa bảo mật",
    "Remove Security Key": "Xóa khóa bảo mật",
    "Are you sure you want to remove this security key?": "Ông/Bà có chắc chắn muốn xóa khóa bảo mật này không?",
    "Usage": "Hình thức sử dụng",
    "Passkey": "Khóa truy cập (passkey)",
    "Security key": "Khóa bảo mật",
    "This key does not indicate whether it is a passkey.": "Khóa này không cho biết có phải là khóa truy cập (passkey) hay không.",
    "Unspecified": "Không xác định",
    "Added on %(created_at)s": "Thêm ngày %(created_at)s",
    "Last used %(last_used)s": "Sử dụng lần cuối: %(last_used)s",
    "Edit": "Sửa",
    "Edit Security Key": "Sửa khóa bảo mật",
    "Save": "Lưu",
    "Create Passkey": "Tạo khóa truy cập (passkey)",
    "You are about to create a passkey for your account. As you can add additional keys later on, you can use a descriptive name to tell the keys apart.": "Ông/Bà sắp tạo khóa truy cập (passkey) cho tài khoản. Vì có thể thêm các khóa khác sau này, Ông/Bà nên đặt tên mô tả để dễ phân biệt các khóa.",
    "Create": "Tạo",
    "This functionality requires JavaScript.": "Chức năng này yêu cầu bật JavaScript.",
    # --- usersessions -----------------------------------------------------------
    "Signed out of all other sessions.": "Đã đăng xuất khỏi tất cả các phiên đăng nhập khác.",
    "Started At": "Bắt đầu lúc",
    "IP Address": "Địa chỉ IP",
    "Browser": "Trình duyệt",
    "Last seen at": "Hoạt động gần nhất",
    "Current": "Phiên hiện tại",
    "Sign Out Other Sessions": "Đăng xuất các phiên khác",
    "User Sessions": "Phiên đăng nhập của người dùng",
    "session key": "khóa phiên",
}

HEADER = {
    "Project-Id-Version": "DVCTT django-allauth (vi)",
    "Report-Msgid-Bugs-To": "",
    "PO-Revision-Date": "2026-04-20 00:00+0700",
    "Last-Translator": "DVCTT",
    "Language-Team": "Vietnamese",
    "Language": "vi",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=1; plural=0;",
}


def unquote(line):
    s = line[line.index('"') + 1 : line.rindex('"')]
    out, i = [], 0
    esc = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    while i < len(s):
        if s[i] == "\\":
            out.append(esc[s[i + 1]])
            i += 2
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def quote(text):
    """Format a msgstr value the way gettext wraps it (split after \\n)."""
    esc = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    parts = esc.split("\n")
    chunks = [p + "\\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    if len(chunks) <= 1:
        return ['"%s"' % (chunks[0] if chunks else "")]
    return ['""'] + [f'"{c}"' for c in chunks]


def parse(path):
    """Yield entries: dict(comments, raw, ctxt, msgid, plural, refs)."""
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    for block in blocks:
        lines = [l for l in block.split("\n") if l.strip()]
        if not lines:
            continue
        e = {"comments": [], "raw": [], "ctxt": None, "msgid": None, "plural": None, "refs": []}
        field = None
        vals = {}
        for l in lines:
            if l.startswith("#"):
                e["comments"].append(l)
                if l.startswith("#:"):
                    e["refs"] += l[2:].split()
                continue
            if l.startswith(("msgctxt", "msgid_plural", "msgid")):
                field = l.split()[0]
                vals[field] = unquote(l)
                e["raw"].append(l)
            elif l.startswith("msgstr"):
                field = "msgstr"
            elif l.startswith('"'):
                if field != "msgstr":
                    vals[field] += unquote(l)
                    e["raw"].append(l)
            else:
                raise ValueError(f"unexpected line: {l!r}")
        e["ctxt"] = vals.get("msgctxt")
        e["msgid"] = vals["msgid"]
        e["plural"] = vals.get("msgid_plural")
        yield e


def main():
    entries = list(parse(SRC))
    used, missing, skipped, out = set(), [], [], []
    out.append("# Vietnamese translation of django-allauth for DVCTT.")
    out.append(
        f"# Generated by locale_vendor/build_vi_allauth_po.py from allauth {allauth.__version__}."
    )
    out.append("# Scope: account, mfa, usersessions and layout strings; socialaccount,")
    out.append("# idp/oidc and headless-only strings are intentionally left untranslated.")
    out.append("#")
    out.append('msgid ""')
    out.append('msgstr ""')
    out += ['"{}: {}\\n"'.format(*kv) for kv in HEADER.items()]
    n = 0
    for e in entries:
        if e["msgid"] == "":
            continue
        key = e["msgid"] if e["plural"] is None else (e["msgid"], e["plural"])
        if e["ctxt"] is not None:
            key = e["ctxt"] + CTX + e["msgid"]
        tr = T.get(key)
        in_scope = any(r.startswith(SCOPE) for r in e["refs"])
        if tr is None:
            (missing if in_scope else skipped).append(key)
            tr = ""
        else:
            used.add(key)
            n += 1
        out.append("")
        out += [c for c in e["comments"] if c != "#, fuzzy"]
        out += e["raw"]
        lines = quote(tr)
        if e["plural"] is not None:
            out.append("msgstr[0] " + lines[0])
        else:
            out.append("msgstr " + lines[0])
        out += lines[1:]
    unknown = set(T) - used
    DST.write_text("\n".join(out) + "\n", encoding="utf-8")
    sys.stdout.write(f"translated: {n} | left empty (out of scope): {len(skipped)}\n")
    for k in skipped:
        sys.stdout.write(f"  skipped: {k!r}\n")
    if missing or unknown:
        sys.stderr.write(f"IN-SCOPE MISSING: {missing}\n")
        sys.stderr.write(f"UNKNOWN KEYS (msgid mismatch): {unknown}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
